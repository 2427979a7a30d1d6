extension Array {
    /// The array in consecutive slices of at most `size` elements (the last may be shorter),
    /// for reading a large mailbox from the store a page at a time.
    func pages(of size: Int) -> [ArraySlice<Element>] {
        let size = Swift.max(1, size)
        return stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
