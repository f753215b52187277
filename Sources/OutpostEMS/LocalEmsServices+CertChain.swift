import OutpostTLS
import OutpostWire

extension LocalEmsServices {
    /// AddEdgeThing `cert_chain`: one path or an array of paths to PEM CA files, trusted for this
    /// thing's `https` callbacks. The files are read now, so a wrong path is a 400 naming it, not a
    /// failed callback later.
    func readCertChain(_ parameters: JSONObject, into binding: inout EdgeBinding) throws(EMSError) {
        guard let value = parameters["cert_chain"] else { return }
        switch value {
        case .null:
            return
        case .string(let path):
            binding.certChain = path.isEmpty ? [] : [path]
        case .array(let items):
            var paths: [String] = []
            for item in items {
                guard case .string(let path) = item, !path.isEmpty else {
                    throw .badRequest("parameter 'cert_chain' must be a path or an array of paths to PEM CA files")
                }
                paths.append(path)
            }
            binding.certChain = paths
        default:
            throw .badRequest("parameter 'cert_chain' must be a path or an array of paths to PEM CA files")
        }
        do {
            try binding.loadCertChain()
        } catch {
            throw .badRequest("parameter 'cert_chain': \(error.message)")
        }
    }
}
