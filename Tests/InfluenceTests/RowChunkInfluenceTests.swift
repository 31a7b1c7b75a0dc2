import FairnessModels
import Influence
import SeededRandom
import Testing
import _TestSupport

@testable import DenseLinearAlgebra

/// Influence computed with the row-chunked (multi-threaded) forward pass and weighted Gram agrees
/// with the serial computation.
@Suite("Influence with row-chunked parallel paths")
struct RowChunkInfluenceTests {
  func normwiseDifference(_ a: [Double], _ b: [Double]) -> Double {
    (zip(a, b).map { abs($0 - $1) }.max() ?? 0) / max(VectorMath.maxAbsoluteValue(b), .leastNormalMagnitude)
  }

  func influence<Model: DifferentiableClassifier>(
    _ model: Model, _ problem: GroupedProblem, block: ParameterBlock, weights: [Double], threads: Int
  ) throws -> [Double] {
    try RowChunks.$threadCountOverride.withValue(threads) {
      let target = try FairnessTarget(
        kind: .demographicParity, features: problem.x, labels: problem.labels, groups: problem.groups
      ).oriented(positiveAt: model)
      let engine = try InfluenceEngine(
        model: model, features: problem.x, labels: problem.labels, weights: weights, block: block, method: .exact)
      return try engine.influence(of: target.gradient(model, block: block))
    }
  }

  @Test func influenceWithThreadsMatchesSerial() throws {
    var generator = TestSeed.generator(default: 7301)
    let n = 6_000
    let problem = GroupedProblem(rows: n, features: 6, using: &generator)
    let weights = (0..<n).map { _ in Double.random(in: 0.5..<2, using: &generator) }
    let lr = try RowChunks.$threadCountOverride.withValue(1) { try fittedLogistic(problem.x, problem.labels, l2: 1e-3) }
    let mlp = MLPClassifier(
      featureCount: 6, hiddenWidth: 20, classCount: 2, activation: .selu, l2Strength: 1e-3, using: &generator)
    for threads in [2, 3] {
      let serialLR = try influence(lr, problem, block: .all, weights: weights, threads: 1)
      let chunkedLR = try influence(lr, problem, block: .all, weights: weights, threads: threads)
      #expect(normwiseDifference(chunkedLR, serialLR) <= 1e-12, "LR, \(threads) threads")
      let serialMLP = try influence(mlp, problem, block: .lastLayer, weights: weights, threads: 1)
      let chunkedMLP = try influence(mlp, problem, block: .lastLayer, weights: weights, threads: threads)
      #expect(normwiseDifference(chunkedMLP, serialMLP) <= 1e-12, "MLP last layer, \(threads) threads")
      #expect(
        chunkedMLP == (try influence(mlp, problem, block: .lastLayer, weights: weights, threads: threads)),
        "deterministic")
    }
  }
}
