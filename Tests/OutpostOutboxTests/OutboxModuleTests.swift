import Testing
@testable import OutpostOutbox

@Suite struct OutboxModuleTests {
    @Test func moduleLinks() {
        #expect(String(describing: OutboxModule.self) == "OutboxModule")
    }
}
