import DenseLinearAlgebra
import Foundation
import SeededRandom
import Testing
import _TestSupport

@testable import OptimalSteering

@Suite("KL divergences and W2 maps")
struct DivergenceAndMapTests {
  /// The closed-form Gaussian KL against a Monte Carlo average of log p₀(x) − log p₁(x), x ~ p₀:
  /// 200 000 draws, within 5 standard errors of the sample mean.
  @Test func klFormulaMatchesMonteCarlo() throws {
    var rng = TestSeed.generator(default: 8008)
    let model = try randomModel(d: 3, using: &rng)
    let kl = try GaussianDivergence.kl(
      mean0: model.means[0][0], covariance0: model.covariances[0][0], mean1: model.means[1][1],
      covariance1: model.covariances[1][1])
    let lower = try model.covariances[0][0].cholesky().lower
    let n = 200_000
    var sum = 0.0
    var sumSquares = 0.0
    for _ in 0..<n {
      let z = (0..<3).map { _ in rng.nextStandardNormal() }
      let x = zip(model.means[0][0], lower.applied(to: z)).map { $0 + $1 }
      let v = model.logDensity(x, group: 0, class: 0) - model.logDensity(x, group: 1, class: 1)
      sum += v
      sumSquares += v * v
    }
    let mean = sum / Double(n)
    let se = ((sumSquares / Double(n) - mean * mean) / Double(n)).squareRoot()
    #expect(abs(mean - kl) <= 5 * se, "KL \(kl) vs Monte Carlo \(mean) ± \(se)")
  }

  /// The joint KL of a steered model in both directions against a Monte Carlo estimate over
  /// (A, Y, X) (with changed priors, so the prior term counts).
  @Test(arguments: KLDirection.allCases)
  func jointKLMatchesMonteCarlo(direction: KLDirection) throws {
    var rng = TestSeed.generator(default: 8118)
    let model = try randomModel(d: 2, using: &rng)
    let steered = try SteeringSolver.solve(model, options: SteeringOptions(reference: "g1", direction: direction))
    let (p, q) = direction == .forward ? (steered.steered, model) : (model, steered.steered)
    var sum = 0.0
    var sumSquares = 0.0
    let perCell = 30_000
    for a in 0..<2 {
      for y in 0..<2 {
        let lower = try p.covariances[a][y].cholesky().lower
        var cell = 0.0
        var cellSquares = 0.0
        for _ in 0..<perCell {
          let z = (0..<2).map { _ in rng.nextStandardNormal() }
          let x = zip(p.means[a][y], lower.applied(to: z)).map { $0 + $1 }
          let v =
            log(p.priors[a][y]) + p.logDensity(x, group: a, class: y) - log(q.priors[a][y])
            - q.logDensity(x, group: a, class: y)
          cell += v
          cellSquares += v * v
        }
        let m = cell / Double(perCell)
        sum += p.priors[a][y] * m
        sumSquares += p.priors[a][y] * p.priors[a][y] * (cellSquares / Double(perCell) - m * m) / Double(perCell)
      }
    }
    #expect(abs(sum - steered.kl) <= 5 * sumSquares.squareRoot(), "KL \(steered.kl) vs \(sum)")
  }

  /// The W2 map sends N(μ, S) to N(μ̃, S̃): algebraically (M S M = S̃, M symmetric positive
  /// definite, T(μ) = μ̃) and on 100 000 pushed samples (moments within stated Monte Carlo error).
  @Test func transportMapPushesSamplesToTargetMoments() throws {
    var rng = TestSeed.generator(default: 9009)
    let d = 4
    let s = randomSPD(d, using: &rng)
    let target = randomSPD(d, using: &rng)
    let mu = (0..<d).map { _ in rng.nextStandardNormal() }
    let targetMean = (0..<d).map { _ in rng.nextStandardNormal() }
    let map = try AffineMap.gaussianTransport(from: mu, s, to: targetMean, target)
    let pushed = map.matrix.multiplied(by: s).multiplied(by: map.matrix)
    #expect(mismatch(pushed.elements, target.elements, absolute: 1e-10) == nil)
    #expect(map.matrix.isSymmetric(tolerance: 1e-12))
    _ = try map.matrix.cholesky()
    #expect(mismatch(map.apply(mu), targetMean, absolute: 1e-12) == nil)
    let lower = try s.cholesky().lower
    let n = 100_000
    var mean = Array(repeating: 0.0, count: d)
    var second = Matrix(rows: d, columns: d)
    var samples: [[Double]] = []
    for _ in 0..<n {
      let z = (0..<d).map { _ in rng.nextStandardNormal() }
      let y = map.apply(zip(mu, lower.applied(to: z)).map { $0 + $1 })
      samples.append(y)
      VectorMath.axpy(1 / Double(n), y, &mean)
    }
    for y in samples {
      for i in 0..<d { for j in 0..<d { second[i, j] += (y[i] - mean[i]) * (y[j] - mean[j]) / Double(n) } }
    }
    // Standard error of a mean ≈ sqrt(S̃_ii / n) <= 0.01; of a covariance entry ≈ sqrt(2/n)·max S̃ <= 0.02.
    let meanTolerance = 5 * (target.diagonal.max()! / Double(n)).squareRoot()
    #expect(mismatch(mean, targetMean, absolute: meanTolerance) == nil)
    let covTolerance = 5 * (2.0 / Double(n)).squareRoot() * target.diagonal.max()!
    #expect(mismatch(second.elements, target.elements, absolute: covTolerance) == nil)
  }

  /// A singular covariance makes the map undefined: bad input, not a crash or NaN.
  @Test func singularMapIsAnError() throws {
    let singular = Matrix(rows: 2, columns: 2, elements: [1, 1, 1, 1])
    #expect(throws: SteeringError.self) {
      try AffineMap.gaussianTransport(from: [0, 0], singular, to: [1, 1], .identity(2))
    }
  }
}
