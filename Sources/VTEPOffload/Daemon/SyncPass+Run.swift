import VTEPCompiler

extension SyncPass {
    /// Both halves, `program` then `writeBack`. Runs on the caller's
    /// actor: the reconciler (and its socket) has one owner.
    public func run(
        localMACs: [LocalMAC], missFacts: MissFacts = MissFacts(), exhaustedVNIs: Set<UInt32> = [],
        isolation: isolated (any Actor)? = #isolation
    ) async throws -> Outcome {
        var outcome = try await program(localMACs: localMACs, missFacts: missFacts)
        outcome.exhaustedVNIs = exhaustedVNIs
        try await PassWriteBack(client: client, switchName: switchName).write(outcome)
        return outcome
    }
}
