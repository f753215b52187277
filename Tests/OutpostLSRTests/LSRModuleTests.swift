import Testing
@testable import OutpostLSR

@Suite struct LSRModuleTests {
    @Test func moduleLinks() {
        #expect(String(describing: LSRModule.self) == "LSRModule")
    }
}
