internal import CBLAS

/// Level-1 BLAS operations on `[Double]` vectors (contiguous, unit stride).
///
/// Each function checks lengths in Swift before calling BLAS, because BLAS does not report
/// inconsistent arguments.
public enum VectorMath {
  /// The inner product `xᵀy = Σ_i x_i y_i`. The corresponding BLAS routine is `ddot`.
  ///
  /// - Precondition: `x.count == y.count`.
  public static func dot(_ x: [Double], _ y: [Double]) -> Double {
    precondition(x.count == y.count, "dot of vectors of length \(x.count) and \(y.count)")
    guard !x.isEmpty else { return 0 }
    let n = cInt(x.count)
    // Not worth waking OpenBLAS's threads (see RowChunks.withBLASThreads).
    return RowChunks.withBLASThreads(threaded: false) {
      x.withUnsafeBufferPointer { px in
        y.withUnsafeBufferPointer { py in cblas_ddot(n, px.baseAddress, 1, py.baseAddress, 1) }
      }
    }
  }

  /// `y ← αx + y` in place. The corresponding BLAS routine is `daxpy`.
  ///
  /// - Precondition: `x.count == y.count`.
  public static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
    precondition(x.count == y.count, "axpy of vectors of length \(x.count) and \(y.count)")
    guard !x.isEmpty else { return }
    let n = cInt(x.count)
    RowChunks.withBLASThreads(threaded: false) {
      x.withUnsafeBufferPointer { px in
        y.withUnsafeMutableBufferPointer { py in cblas_daxpy(n, alpha, px.baseAddress, 1, py.baseAddress, 1) }
      }
    }
  }

  /// `αx + y` as a new vector (``axpy(_:_:_:)`` without mutation).
  public static func adding(_ alpha: Double, times x: [Double], to y: [Double]) -> [Double] {
    var result = y
    axpy(alpha, x, &result)
    return result
  }

  /// The Euclidean norm `‖x‖₂ = sqrt(Σ x_i²)`, computed without undue overflow or underflow.
  /// The corresponding BLAS routine is `dnrm2`.
  public static func norm(_ x: [Double]) -> Double {
    guard !x.isEmpty else { return 0 }
    let n = cInt(x.count)
    return x.withUnsafeBufferPointer { cblas_dnrm2(n, $0.baseAddress, 1) }
  }

  /// `x ← αx` in place. The corresponding BLAS routine is `dscal`.
  public static func scale(_ x: inout [Double], by alpha: Double) {
    guard !x.isEmpty else { return }
    let n = cInt(x.count)
    x.withUnsafeMutableBufferPointer { cblas_dscal(n, alpha, $0.baseAddress, 1) }
  }

  /// The largest absolute entry `‖x‖_∞` (0 for an empty vector).
  public static func maxAbsoluteValue(_ x: [Double]) -> Double {
    x.reduce(0) { Swift.max($0, abs($1)) }
  }
}
