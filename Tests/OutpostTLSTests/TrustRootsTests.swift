import Foundation
import OutpostTLS
import Testing
import OutpostTestSupport

@Suite(.blockingWork)
struct TrustRootsTests {
    @Test func load_twoCAFiles_collectsAllCertificates() throws {
        let workspace = try Workspace()
        try workspace.makeCA("one", commonName: "CA One")
        try workspace.makeCA("two", commonName: "CA Two")
        let bundle = try workspace.write("bundle.pem", try workspace.read("one.pem") + workspace.read("two.pem"))
        let roots = try TrustRoots.load([bundle, workspace.file("one.pem")])
        #expect(roots.certificates.map(\.summary.commonName) == ["CA One", "CA Two", "CA One"])
        #expect(roots.warnings.isEmpty)
    }

    @Test func load_missingCAFile_failsWithFileMissing() throws {
        let workspace = try Workspace()
        let error = #expect(throws: TLSMaterialError.self) { try TrustRoots.load([workspace.file("ca.pem")]) }
        #expect(error?.code == .fileMissing)
        #expect(error?.message.hasPrefix("CA certificate file ") == true)
    }

    @Test func load_keyInsteadOfCA_failsWithNotACertificate() throws {
        let workspace = try Workspace()
        let key = try workspace.makeECKey("ca.key")
        let error = #expect(throws: TLSMaterialError.self) { try TrustRoots.load([key]) }
        #expect(error?.code == .notACertificate)
    }

    @Test func load_expiredCA_warns() throws {
        let workspace = try Workspace()
        try workspace.makeECKey("key.pem")
        let old = try workspace.makeSelfSigned(
            key: "key.pem", commonName: "Old CA", name: "old.pem", start: "20200101000000Z", end: "20210101000000Z")
        let roots = try TrustRoots.load([old])
        #expect(roots.warnings.map(\.kind) == [.trustRootNotCurrentlyValid])
    }
}
