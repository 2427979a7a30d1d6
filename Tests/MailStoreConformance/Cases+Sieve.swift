import MailCore
import MailStore

/// Sieve scripts and the filtering log (`SieveScriptStore`, RFC 5804 §1) and the delivery
/// ledger (`DeliveryLedger`).
extension MailStoreConformance {
    static let sieveCases: [ConformanceCase] = [
        ConformanceCase("sieve: put creates, replacing keeps the active state (RFC 5804 §2.6)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let scripts = store.sieveScripts
            try expectEqual(try await scripts.sieveScripts(of: alice.id), [], "no scripts at first")
            try expect(try await scripts.activeSieveScript(of: alice.id) == nil, "none active at first")
            try await scripts.putSieveScript(named: "main", content: Array("keep;".utf8), of: alice.id)
            try await scripts.activateSieveScript(named: "main", of: alice.id)
            try await scripts.putSieveScript(named: "main", content: Array("discard;\r\n".utf8), of: alice.id)
            try expectEqual(try await scripts.sieveScripts(of: alice.id),
                            [SieveScriptInfo(name: "main", isActive: true, size: 10)], "replaced, still active")
            try expectEqual(try await scripts.sieveScript(named: "main", of: alice.id), Array("discard;\r\n".utf8),
                            "the new content")
            let active = try await scripts.activeSieveScript(of: alice.id)
            try expectEqual(active?.name, "main", "active name")
            try expectEqual(active?.content, Array("discard;\r\n".utf8), "active content")
            try expect(try await scripts.sieveScript(named: "other", of: alice.id) == nil, "no such script")
        },

        ConformanceCase("sieve: list sorted by name, names compared byte for byte") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let scripts = store.sieveScripts
            let precomposed = "caf\u{E9}", decomposed = "cafe\u{301}"
            for name in ["b", "a", "B", precomposed, decomposed, "a b"] {
                try await scripts.putSieveScript(named: name, content: Array(name.utf8), of: alice.id)
            }
            let names = try await scripts.sieveScripts(of: alice.id).map(\.name)
            try expectEqual(names.map { Array($0.utf8) },
                            ["B", "a", "a b", "b", decomposed, precomposed].map { Array($0.utf8) },
                            "byte order, both forms of é kept apart")
            try expectEqual(try await scripts.sieveScript(named: decomposed, of: alice.id), Array(decomposed.utf8),
                            "the decomposed name reads its own script")
            try expect(try await scripts.sieveScripts(of: alice.id).allSatisfy { !$0.isActive }, "none active")
        },

        ConformanceCase("sieve: activate, switch and deactivate; at most one active (RFC 5804 §2.8)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let scripts = store.sieveScripts
            try await scripts.putSieveScript(named: "one", content: [1], of: alice.id)
            try await scripts.putSieveScript(named: "two", content: [2, 2], of: alice.id)
            try await scripts.activateSieveScript(named: "one", of: alice.id)
            try await scripts.activateSieveScript(named: "two", of: alice.id)
            try expectEqual(try await scripts.sieveScripts(of: alice.id).map(\.isActive), [false, true],
                            "the second activation replaces the first")
            try await expectError(.sieveScriptNotFound("three"), "activating a missing script") {
                try await scripts.activateSieveScript(named: "three", of: alice.id)
            }
            try expectEqual(try await scripts.activeSieveScript(of: alice.id)?.name, "two",
                            "a failed activation changes nothing")
            try await scripts.activateSieveScript(named: "two", of: alice.id)
            try expectEqual(try await scripts.activeSieveScript(of: alice.id)?.name, "two", "activating again")
            try await scripts.activateSieveScript(named: nil, of: alice.id)
            try expect(try await scripts.activeSieveScript(of: alice.id) == nil, "none active")
            try expectEqual(try await scripts.sieveScripts(of: alice.id).map(\.isActive), [false, false],
                            "listed as inactive")
            try await scripts.activateSieveScript(named: nil, of: alice.id)
        },

        ConformanceCase("sieve: delete; the active script is refused (RFC 5804 §2.10)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let scripts = store.sieveScripts
            try await scripts.putSieveScript(named: "old", content: [1], of: alice.id)
            try await scripts.putSieveScript(named: "live", content: [2], of: alice.id)
            try await scripts.activateSieveScript(named: "live", of: alice.id)
            try await expectError(.sieveScriptActive("live"), "deleting the active script") {
                try await scripts.deleteSieveScript(named: "live", of: alice.id)
            }
            try await expectError(.sieveScriptNotFound("gone"), "deleting a missing script") {
                try await scripts.deleteSieveScript(named: "gone", of: alice.id)
            }
            try await scripts.deleteSieveScript(named: "old", of: alice.id)
            try expectEqual(try await scripts.sieveScripts(of: alice.id).map(\.name), ["live"], "old is gone")
            try await scripts.activateSieveScript(named: nil, of: alice.id)
            try await scripts.deleteSieveScript(named: "live", of: alice.id)
            try expectEqual(try await scripts.sieveScripts(of: alice.id), [], "deleted once inactive")
        },

        ConformanceCase("sieve: rename moves the active state; onto an existing name is refused (RFC 5804 §2.11.1)") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let scripts = store.sieveScripts
            try await scripts.putSieveScript(named: "a", content: [1], of: alice.id)
            try await scripts.putSieveScript(named: "b", content: [2], of: alice.id)
            try await scripts.activateSieveScript(named: "a", of: alice.id)
            try await scripts.renameSieveScript(named: "a", to: "c", of: alice.id)
            try expectEqual(try await scripts.sieveScripts(of: alice.id),
                            [SieveScriptInfo(name: "b", isActive: false, size: 1),
                             SieveScriptInfo(name: "c", isActive: true, size: 1)], "renamed, still active")
            try expectEqual(try await scripts.activeSieveScript(of: alice.id)?.content, [1], "the active content")
            try await expectError(.sieveScriptExists("b"), "renaming onto an existing script") {
                try await scripts.renameSieveScript(named: "c", to: "b", of: alice.id)
            }
            try await expectError(.sieveScriptNotFound("x"), "renaming a missing script") {
                try await scripts.renameSieveScript(named: "x", to: "y", of: alice.id)
            }
            try expectEqual(try await scripts.sieveScript(named: "b", of: alice.id), [2], "b untouched")
            try expectEqual(try await scripts.sieveScript(named: "c", of: alice.id), [1], "c untouched")
        },

        ConformanceCase("sieve: the filtering log keeps the newest 200 entries, oldest first") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let scripts = store.sieveScripts
            try expectEqual(try await scripts.sieveLog(of: alice.id), [], "empty at first")
            for index in 0..<205 {
                try await scripts.appendSieveLog("line \(index)", of: alice.id, at: 1_000 + Int64(index))
            }
            let log = try await scripts.sieveLog(of: alice.id)
            try expectEqual(log.count, SieveLogEntry.capacity, "bounded")
            try expectEqual(log.first, SieveLogEntry(date: 1_005, text: "line 5"), "the oldest kept")
            try expectEqual(log.last, SieveLogEntry(date: 1_204, text: "line 204"), "the newest")
        },

        ConformanceCase("sieve: users are isolated; deleting a user removes scripts, log and ledger") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let bob = try await f.addUser("bob")
            let scripts = store.sieveScripts
            try await scripts.putSieveScript(named: "main", content: [1], of: alice.id)
            try await scripts.activateSieveScript(named: "main", of: alice.id)
            try await scripts.appendSieveLog("alice's error", of: alice.id, at: 5)
            try expect(try await store.ledger.claim("dup:<m@x>", for: alice.id, until: 100, now: 10), "alice claims")
            try expectEqual(try await scripts.sieveScripts(of: bob.id), [], "bob sees none of alice's scripts")
            try expect(try await scripts.sieveScript(named: "main", of: bob.id) == nil, "nor reads them")
            try expect(try await scripts.activeSieveScript(of: bob.id) == nil, "nor has her active one")
            try expectEqual(try await scripts.sieveLog(of: bob.id), [], "nor her log")
            try expect(!(try await store.ledger.isClaimed("dup:<m@x>", for: bob.id, now: 10)), "nor her records")
            try expect(try await store.ledger.claim("dup:<m@x>", for: bob.id, until: 100, now: 10),
                       "bob claims the same key for himself")
            try await scripts.putSieveScript(named: "main", content: [2], of: bob.id)
            try expect(try await scripts.activeSieveScript(of: bob.id) == nil,
                       "bob's script of the same name is not active: activation is per user")

            try await store.accounts.deleteUser(name: "alice")
            try expectEqual(try await scripts.sieveScripts(of: alice.id), [], "scripts gone")
            try expect(try await scripts.activeSieveScript(of: alice.id) == nil, "active script gone")
            try expectEqual(try await scripts.sieveLog(of: alice.id), [], "log gone")
            try expect(!(try await store.ledger.isClaimed("dup:<m@x>", for: alice.id, now: 10)), "records gone")
            try expectEqual(try await scripts.sieveScript(named: "main", of: bob.id), [2], "bob's script stays")
            try expect(try await store.ledger.isClaimed("dup:<m@x>", for: bob.id, now: 10), "bob's record stays")
            let again = try await f.addUser("alice")
            try expectEqual(try await scripts.sieveScripts(of: again.id), [], "a new alice starts empty")
        },

        ConformanceCase("ledger: claim, refuse while unexpired, replace once expired, release") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let ledger = store.ledger
            try expect(!(try await ledger.isClaimed("vacation:h:bob@x", for: alice.id, now: 0)), "unclaimed")
            try expect(try await ledger.claim("vacation:h:bob@x", for: alice.id, until: 100, now: 0), "claimed")
            try expect(try await ledger.isClaimed("vacation:h:bob@x", for: alice.id, now: 99), "claimed before expiry")
            try expect(!(try await ledger.claim("vacation:h:bob@x", for: alice.id, until: 500, now: 50)),
                       "a second claim while unexpired is refused")
            try expect(!(try await ledger.isClaimed("vacation:h:bob@x", for: alice.id, now: 100)),
                       "the refused claim did not extend it: expired at 100")
            try expect(try await ledger.claim("vacation:h:bob@x", for: alice.id, until: 300, now: 150),
                       "an expired record is replaced")
            try expect(try await ledger.isClaimed("vacation:h:bob@x", for: alice.id, now: 299), "the new expiry holds")
            try expect(try await ledger.claim("vacation:h:Bob@x", for: alice.id, until: 300, now: 150),
                       "keys compare exactly")
            try await ledger.release("vacation:h:bob@x", for: alice.id)
            try expect(!(try await ledger.isClaimed("vacation:h:bob@x", for: alice.id, now: 150)), "released")
            try expect(try await ledger.claim("vacation:h:bob@x", for: alice.id, until: 300, now: 150),
                       "claimable again after release")
            try await ledger.release("never", for: alice.id)
        },

        ConformanceCase("ledger: housekeeping forgets expired records only") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let bob = try await f.addUser("bob")
            let ledger = store.ledger
            _ = try await ledger.claim("dup:1", for: alice.id, until: 100, now: 0)
            _ = try await ledger.claim("dup:2", for: alice.id, until: 200, now: 0)
            _ = try await ledger.claim("dup:1", for: bob.id, until: 50, now: 0)
            try expectEqual(try await store.housekeeping.purgeExpiredLedgerRecords(now: 100), 2,
                            "the two records expired at or before 100")
            try expect(try await ledger.isClaimed("dup:2", for: alice.id, now: 100), "the unexpired record stays")
            try expect(try await ledger.claim("dup:1", for: alice.id, until: 300, now: 100), "the purged key is free")
            try expectEqual(try await store.housekeeping.purgeExpiredLedgerRecords(now: 100), 0, "nothing more")
        },
    ]
}
