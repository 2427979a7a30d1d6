// The conformance suite's cases are added by the store work.
