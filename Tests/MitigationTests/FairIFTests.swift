import DenseLinearAlgebra
import Mitigation
import SeededRandom
import Testing
import _TestSupport

@Suite("FairIF weight objective (seed 004 Eq. 14)")
struct FairIFTests {
  /// Two difference-influence rows of size n at the IJ scale (≈ 1/n per sample) and gaps b.
  func problem(n: Int, seed: UInt64) -> (Matrix, [Double]) {
    var rng = SplitMix64(seed: seed)
    let a = Matrix(rows: 2, columns: n, elements: (0..<(2 * n)).map { _ in rng.nextStandardNormal() / Double(n) })
    return (a, [0.15, -0.08])
  }

  @Test("closed form −Aᵀ(AAᵀ + λI)⁻¹b equals the iterative projected-gradient solver")
  func closedFormMatchesIterative() {
    let (a, b) = problem(n: 300, seed: TestSeed.value(default: 201))
    var frob = 0.0
    for e in a.elements { frob += e * e }
    let lambda = 0.05 * frob
    let closed = Reweighting.fairIF(differenceInfluences: a, gaps: b, lambda: lambda)
    #expect(closed.solver == .closedForm)
    #expect(!closed.weights.clipping.clipped)
    let iterative = Reweighting.fairIFProjectedGradient(
      a: a, b: b, ridge: lambda, lowerBound: -1, start: Array(repeating: 0, count: 300), maximumIterations: 50_000,
      tolerance: 1e-13)
    #expect(iterative.converged)
    #expect(maxDiff(iterative.x, closed.change) < 1e-7)
    // The predicted gaps shrink.
    #expect(closed.predictedGaps.map(abs).max()! < b.map(abs).max()!)
  }

  @Test("unsquared norm: the effective-ridge closed form equals proximal gradient")
  func unsquaredMatchesProximal() {
    let (a, b) = problem(n: 120, seed: TestSeed.value(default: 202))
    let atb = a.transposeApplied(to: b)
    let lambda = 0.5 * VectorMath.norm(atb)  // below the 2‖Aᵀb‖ threshold, so Δw ≠ 0
    let closed = Reweighting.fairIF(
      differenceInfluences: a, gaps: b, lambda: lambda, penalty: .norm, nonNegative: false)
    let prox = Reweighting.fairIFProximalGradient(differenceInfluences: a, gaps: b, lambda: lambda)
    #expect(prox.converged)
    let f1 = Reweighting.fairIFObjective(
      differenceInfluences: a, gaps: b, lambda: lambda, penalty: .norm, change: closed.change)
    let f2 = Reweighting.fairIFObjective(
      differenceInfluences: a, gaps: b, lambda: lambda, penalty: .norm, change: prox.change)
    #expect(abs(f1 - f2) < 1e-10)
    #expect(maxDiff(closed.change, prox.change) < 1e-5 * (1 + VectorMath.norm(closed.change)))
    // Above the threshold the answer is exactly no reweighting.
    let zero = Reweighting.fairIF(differenceInfluences: a, gaps: b, lambda: 2.5 * VectorMath.norm(atb), penalty: .norm)
    #expect(zero.change.allSatisfy { $0 == 0 })
  }

  @Test("a tiny λ drives weights negative: the constrained solve keeps w ≥ 0 and reports the clipping")
  func nonNegativeProjection() {
    let (a, b) = problem(n: 50, seed: TestSeed.value(default: 203))
    let s = Reweighting.fairIF(differenceInfluences: a, gaps: b.map { $0 * 40 }, lambda: 1e-6)
    #expect(s.weights.clipping.clipped)
    #expect(s.solver == .projectedGradient)
    #expect(s.weights.weights.allSatisfy { $0 >= 0 })
    #expect(s.change.allSatisfy { $0 >= -1 - 1e-15 })
    // The constrained answer is no worse than clipping the unconstrained one.
    let clipped = s.weights.rawWeights.map { max($0, 0) - 1 }
    let fc = Reweighting.fairIFObjective(
      differenceInfluences: a, gaps: b.map { $0 * 40 }, lambda: 1e-6, penalty: .squared, change: clipped)
    #expect(s.objective <= fc + 1e-12)
  }
}
