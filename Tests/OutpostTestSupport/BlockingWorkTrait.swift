public import Testing

/// Runs each test of the suite (and of its nested suites) with ``BlockingWorkExecutor`` as its task
/// executor preference, so that its synchronous process runs do not hold Swift's cooperative pool.
public struct BlockingWorkTrait: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        // Once per test case: the suite itself has no body to move.
        testCase == nil ? nil : self
    }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withTaskExecutorPreference(BlockingWorkExecutor.shared) {
            try await function()
        }
    }
}

extension Trait where Self == BlockingWorkTrait {
    /// The suite's tests block on processes (`openssl`, `curl`, `outpost`): run them off the cooperative pool.
    public static var blockingWork: Self { BlockingWorkTrait() }
}
