import DenseLinearAlgebra
import FairnessModels
import Influence
import SeededRandom
import Testing
import _TestSupport

/// The engine never forms `G` for a softmax-layer block; everything it computes from the factors
/// must equal the same formula applied to the explicit per-sample gradients.
@Suite("Influence engine on factored gradients")
struct FactoredEngineTests {
  func check<Model: DifferentiableClassifier>(
    _ name: String, _ model: Model, _ problem: GroupedProblem, block: ParameterBlock, weights: [Double]?,
    using generator: inout SplitMix64
  ) throws {
    for convention in [RefitConvention.fixedRegularization, .modelObjective] {
      let engine = try InfluenceEngine(
        model: model, features: problem.x, labels: problem.labels, weights: weights, block: block,
        convention: convention)
      let g = engine.perSampleGradients
      #expect(g == model.perSampleGradients(problem.x, labels: problem.labels, block: block), "\(name)")
      let target = randomVector(engine.parameterCount, using: &generator)
      let (values, ihvp) = try engine.influenceWithDiagnostics(of: target)
      // I = −(G s − 1 ḡᵀs)/W₀ with ḡ = Gᵀŵ (the shift only under .modelObjective).
      let w0 = weights ?? Array(repeating: 1, count: problem.x.rows)
      let total = w0.reduce(0, +)
      let mean = g.transposeApplied(to: w0.map { $0 / total })
      let shift = convention == .modelObjective ? VectorMath.dot(mean, ihvp.vector) : 0
      let expected = g.applied(to: ihvp.vector).map { -($0 - shift) / total }
      #expect(
        mismatch(values, expected, absolute: 1e-12 * VectorMath.maxAbsoluteValue(expected), relative: 1e-12) == nil,
        "\(name) \(convention)")
      #expect(mismatch(engine.meanGradient, mean, absolute: 1e-14, relative: 1e-12) == nil, "\(name): ḡ")
      let dw = randomVector(problem.x.rows, using: &generator)
      var aggregated = g.transposeApplied(to: dw)
      if convention == .modelObjective { VectorMath.axpy(-dw.reduce(0, +), mean, &aggregated) }
      #expect(
        mismatch(
          try engine.aggregatedGradient(forWeightChange: dw), aggregated.map { $0 / total }, absolute: 1e-13,
          relative: 1e-12) == nil, "\(name): Gᵀdw")
      var fisher = [Double](repeating: 0, count: g.columns)
      for i in 0..<g.rows { for j in 0..<g.columns { fisher[j] += w0[i] / total * g[i, j] * g[i, j] } }
      #expect(
        mismatch(engine.empiricalFisherDiagonal, fisher, absolute: 1e-14, relative: 1e-12) == nil, "\(name): Fisher")
      let v = randomVector(engine.parameterCount, using: &generator)
      let modelProduct = model.hessianVectorProduct(
        problem.x, labels: problem.labels, weights: weights, vector: v, block: block)
      #expect(
        mismatch(engine.hessianVectorProduct(v), modelProduct, absolute: 1e-13, relative: 1e-11) == nil, "\(name): Hv")
    }
  }

  @Test func influenceFromFactorsEqualsExplicitGradientProducts() throws {
    setThreadCount(1)
    var generator = TestSeed.generator(default: 6101)
    let problem = GroupedProblem(rows: 120, features: 5, using: &generator)
    let weights = (0..<120).map { _ in Double.random(in: 0.5..<2, using: &generator) }
    let lr = try fittedLogistic(problem.x, problem.labels, l2: 1e-2, weights: weights)
    try check("LR", lr, problem, block: .all, weights: weights, using: &generator)
    try check("LR unweighted", lr, problem, block: .all, weights: nil, using: &generator)
    let mlp = MLPClassifier(
      featureCount: 5, hiddenWidth: 7, classCount: 2, activation: .selu, l2Strength: 1e-2, using: &generator)
    try check("MLP last layer", mlp, problem, block: .lastLayer, weights: weights, using: &generator)
  }

  @Test func iterativeMethodsOnTheFactoredMLPLastLayerMatchExact() throws {
    setThreadCount(1)
    var generator = TestSeed.generator(default: 6102)
    let problem = GroupedProblem(rows: 200, features: 4, using: &generator)
    let mlp = MLPClassifier(
      featureCount: 4, hiddenWidth: 5, classCount: 2, activation: .tanh, l2Strength: 1e-2, using: &generator)
    let target = randomVector(12, using: &generator)
    let exact = try InfluenceEngine(model: mlp, features: problem.x, labels: problem.labels, block: .lastLayer)
      .influence(of: target)
    let cg = try InfluenceEngine(
      model: mlp, features: problem.x, labels: problem.labels, block: .lastLayer,
      method: .conjugateGradient(tolerance: 1e-12, maxIterations: 200)
    ).influence(of: target)
    #expect(mismatch(cg, exact, absolute: 1e-9 * VectorMath.maxAbsoluteValue(exact), relative: 1e-8) == nil)
  }
}

func randomVector(_ n: Int, using generator: inout SplitMix64) -> [Double] {
  (0..<n).map { _ in generator.nextStandardNormal() }
}
