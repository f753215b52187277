import HummingbirdCore
import OutpostWire

/// Hummingbird and OutpostWire both export `RequestBody` and `ResponseBody`; these names keep them apart.
typealias WireRequest = OutpostWire.RequestBody
typealias WireResponse = OutpostWire.ResponseBody
typealias HTTPBody = HummingbirdCore.ResponseBody
