import DenseLinearAlgebra
import FairnessModels
import SeededRandom

/// Relative errors `‖x_method − x_exact‖/‖x_exact‖` of IHVP approximations on random vectors.
public struct ApproximationReport: Sendable {
  /// One method's results over the probe vectors.
  public struct Entry: Sendable {
    public var method: InverseHessianMethod
    /// Per probe vector (`.infinity` where the method threw).
    public var relativeErrors: [Double]
    /// Per probe vector `‖Hx − v‖/‖v‖` (`.infinity` where the method threw).
    public var residuals: [Double]
    public var iterations: [Int]
    /// Error descriptions for probes where the method threw.
    public var failures: [String]
    /// The largest relative error.
    public var maxRelativeError: Double { relativeErrors.max() ?? 0 }
  }
  public var entries: [Entry]
  public var vectorCount: Int
  public var seed: UInt64
  /// Damping the exact reference needed (0 if none).
  public var exactDamping: Double
}

extension InfluenceEngine {
  /// Compares `methods` with ``InverseHessianMethod/exact`` on `vectorCount` standard-normal
  /// vectors drawn from `SplitMix64(seed)`.
  ///
  /// - Throws: ``InfluenceError/shapeMismatch(_:)`` if `|block| > maximumExactDimension` (the
  ///   dense reference is unaffordable); errors of the exact solve.
  public func approximationReport(
    methods: [InverseHessianMethod], vectorCount: Int = 3, seed: UInt64 = 0, maximumExactDimension: Int = 5000
  ) throws(InfluenceError) -> ApproximationReport {
    guard parameterCount <= maximumExactDimension else {
      throw .shapeMismatch("exact reference needs a dense \(parameterCount)² Hessian (limit \(maximumExactDimension))")
    }
    var generator = SplitMix64(seed: seed)
    let probes = (0..<vectorCount).map { _ in (0..<parameterCount).map { _ in generator.nextStandardNormal() } }
    var exact: [[Double]] = []
    var damping = 0.0
    for v in probes {
      let r = try inverseHessianVectorProduct(v, method: .exact)
      exact.append(r.vector)
      damping = r.dampingAdded
    }
    var entries: [ApproximationReport.Entry] = []
    for method in methods {
      var entry = ApproximationReport.Entry(
        method: method, relativeErrors: [], residuals: [], iterations: [], failures: [])
      for (v, reference) in zip(probes, exact) {
        do {
          let r = try inverseHessianVectorProduct(v, method: method)
          let diff = zip(r.vector, reference).map { $0 - $1 }
          entry.relativeErrors.append(
            VectorMath.norm(diff) / Swift.max(VectorMath.norm(reference), .leastNormalMagnitude))
          entry.residuals.append(r.residual)
          entry.iterations.append(r.iterations)
        } catch {
          entry.relativeErrors.append(.infinity)
          entry.residuals.append(.infinity)
          entry.iterations.append(0)
          entry.failures.append(error.description)
        }
      }
      entries.append(entry)
    }
    return ApproximationReport(entries: entries, vectorCount: vectorCount, seed: seed, exactDamping: damping)
  }
}
