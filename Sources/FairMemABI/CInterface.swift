import DenseLinearAlgebra
import FairMemCommands
import Foundation

// The C interface of FairMem, declared in include/fairmem.h (read that header for the contract).
// Only C types cross it: NUL-terminated UTF-8 strings and a 32-bit integer.

/// Runs one request and returns the response as a newly allocated NUL-terminated UTF-8 string
/// that the caller releases with `fairmem_free`. Never traps on bad input; returns NULL only when
/// memory for the response cannot be allocated.
@_cdecl("fairmem_request")
public func fairMemRequest(_ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
  _ = blasWorkersStopped
  guard let request else {
    return allocate(ABIResponse.bytes(failure: .badInput(field: "request", message: "the request pointer is NULL")))
  }
  let length = strlen(request)
  return request.withMemoryRebound(to: UInt8.self, capacity: length) { start in
    allocate(ABIDispatch.respond(to: UnsafeBufferPointer(start: start, count: length)))
  }
}

/// Releases a response returned by `fairmem_request` (NULL is allowed and does nothing).
@_cdecl("fairmem_free")
public func fairMemFree(_ response: UnsafeMutablePointer<CChar>?) {
  free(response)
}

/// The version of the library: the same text as `fairmem --version` (static storage, not freed).
@_cdecl("fairmem_version")
public func fairMemVersion() -> UnsafePointer<CChar> {
  UnsafePointer(ABIVersion.text)
}

/// The version of the C interface itself (incremented on every incompatible change).
@_cdecl("fairmem_abi_version")
public func fairMemABIVersion() -> Int32 {
  ABIVersion.interface
}

/// The version strings, allocated once (global initialization is thread-safe) and never freed.
enum ABIVersion {
  static let interface: Int32 = 1
  nonisolated(unsafe) static let text: UnsafeMutablePointer<CChar> = strdup(FairMemCommand.versionText)!
}

/// Copies `bytes` into a malloc'ed NUL-terminated buffer (NULL when malloc fails).
private func allocate(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar>? {
  guard let buffer = malloc(bytes.count + 1)?.assumingMemoryBound(to: UInt8.self) else { return nil }
  bytes.withUnsafeBufferPointer { source in
    if let base = source.baseAddress { buffer.update(from: base, count: bytes.count) }
  }
  buffer[bytes.count] = 0
  return UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: CChar.self)
}

/// OpenBLAS's load-time worker pool, stopped once per process before the first request runs (as
/// the `fairmem` executable does at start; see `stopIdleBLASWorkers`): the idle workers would
/// otherwise spin for about 0.1 s on the caller's other cores. A global is initialized once,
/// thread-safely, so concurrent first requests wait for it; later BLAS calls restart the pool.
private let blasWorkersStopped: Void = stopIdleBLASWorkers()
