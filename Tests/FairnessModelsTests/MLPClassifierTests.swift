import DenseLinearAlgebra
import FairnessModels
import SeededRandom
import Synchronization
import Testing
import _TestSupport

@Suite("One-hidden-layer MLP")
struct MLPClassifierTests {
  func smallNetwork(_ activation: Activation, classes k: Int = 3, l2: Double = 0.1, using generator: inout SplitMix64)
    -> MLPClassifier
  {
    var model = MLPClassifier(
      featureCount: 3, hiddenWidth: 5, classCount: k, activation: activation, l2Strength: l2, using: &generator)
    // Non-zero biases so every parameter's derivative is exercised.
    model.hiddenBiases = randomVector(5, using: &generator).map { 0.3 * $0 }
    model.outputBiases = randomVector(k, using: &generator).map { 0.3 * $0 }
    return model
  }

  @Test(arguments: Activation.allCases)
  func perSampleGradientsMatchFiniteDifferences(activation: Activation) {
    var generator = TestSeed.generator(default: 1001)
    let data = SyntheticData(rows: 12, features: 3, classes: 3, using: &generator)
    let model = smallNetwork(activation, using: &generator)
    let g = model.perSampleGradients(data.x, labels: data.labels, block: .all)
    #expect(g.rows == 12 && g.columns == model.parameterCount)
    for row in [0, 5, 11] {
      let numeric = centralDifferences(at: model.parameters, step: DerivativeTolerance.step) { theta in
        var m = model
        m.parameters = theta
        return m.perSampleLosses(data.x.rows([row]), labels: [data.labels[row]])[0]
      }
      #expect(
        mismatch(g.row(row), numeric, absolute: DerivativeTolerance.absolute, relative: DerivativeTolerance.relative)
          == nil, "row \(row)")
    }
    // The last-layer block is the trailing slice of the full gradient.
    let last = model.perSampleGradients(data.x, labels: data.labels, block: .lastLayer)
    let range = model.parameterRange(for: .lastLayer)
    #expect(last.columns == range.count)
    #expect(last.row(3) == Array(g.row(3)[range]))
  }

  @Test func gradientIsWeightedMeanOfPerSampleGradientsPlusPenalty() {
    var generator = TestSeed.generator(default: 1101)
    let data = SyntheticData(rows: 20, features: 3, classes: 2, using: &generator)
    let model = smallNetwork(.selu, classes: 2, l2: 0.25, using: &generator)
    let total = data.weights.reduce(0, +)
    for block in [ParameterBlock.all, .lastLayer] {
      var expected = model.perSampleGradients(data.x, labels: data.labels, block: block)
        .transposeApplied(to: data.weights.map { $0 / total })
      VectorMath.axpy(0.25, Array(model.parameters[model.parameterRange(for: block)]), &expected)
      let gradient = model.gradient(data.x, labels: data.labels, weights: data.weights, block: block)
      #expect(mismatch(gradient, expected, absolute: 1e-14, relative: 1e-12) == nil)
    }
    // And the full gradient matches finite differences of the objective.
    let numeric = centralDifferences(at: model.parameters, step: DerivativeTolerance.step) { theta in
      var m = model
      m.parameters = theta
      return m.loss(data.x, labels: data.labels, weights: data.weights)
    }
    #expect(
      mismatch(
        model.gradient(data.x, labels: data.labels, weights: data.weights), numeric,
        absolute: DerivativeTolerance.absolute, relative: DerivativeTolerance.relative) == nil)
  }

  @Test(arguments: Activation.allCases)
  func hessianVectorProductMatchesFiniteDifferencesOfGradient(activation: Activation) {
    var generator = TestSeed.generator(default: 1201)
    let data = SyntheticData(rows: 15, features: 3, classes: 3, using: &generator)
    let model = smallNetwork(activation, using: &generator)
    for block in [ParameterBlock.all, .lastLayer] {
      let range = model.parameterRange(for: block)
      for _ in 0..<3 {
        let v = randomVector(range.count, using: &generator)
        let hvp = model.hessianVectorProduct(
          data.x, labels: data.labels, weights: data.weights, vector: v, block: block)
        var padded = Array(repeating: 0.0, count: model.parameterCount)
        padded.replaceSubrange(range, with: v)
        let numeric = directionalDifference(at: model.parameters, direction: padded, step: DerivativeTolerance.step) {
          theta in
          var m = model
          m.parameters = theta
          return m.gradient(data.x, labels: data.labels, weights: data.weights, block: block)
        }
        #expect(mismatch(hvp, numeric, absolute: 1e-6, relative: 1e-6) == nil, "\(block)")
      }
    }
  }

  @Test func lastLayerHessianIsSymmetricPositiveDefiniteWithL2() throws {
    var generator = TestSeed.generator(default: 1301)
    let data = SyntheticData(rows: 30, features: 3, classes: 3, using: &generator)
    let model = smallNetwork(.selu, l2: 0.01, using: &generator)
    let h = model.hessian(data.x, labels: data.labels, weights: nil, block: .lastLayer)
    #expect(h.rows == model.parameterCount(in: .lastLayer))
    // The closed form agrees with the Hessian assembled from exact R-operator HVPs.
    let fromProducts = model.hessianFromProducts(data.x, labels: data.labels, weights: nil, block: .lastLayer)
    #expect(mismatch(h.elements, fromProducts.elements, absolute: 1e-13, relative: 1e-12) == nil)
    #expect(h.isSymmetric(tolerance: 1e-12))
    // Softmax cross-entropy is convex in the last layer, so H_last ⪰ λI: Cholesky must succeed
    // and an inverse-Hessian-vector product must invert the HVP.
    let factor = try h.cholesky()
    let b = randomVector(h.rows, using: &generator)
    let s = factor.solve(b)
    let back = model.hessianVectorProduct(data.x, labels: data.labels, weights: nil, vector: s, block: .lastLayer)
    #expect(mismatch(back, b, absolute: 1e-9) == nil)
  }

  @Test(.timeLimit(.minutes(1)))
  func trainingReducesLossAndIsBitwiseDeterministic() throws {
    setThreadCount(1)
    var dataGenerator = TestSeed.generator(default: 1401)
    let data = SyntheticData(rows: 150, features: 4, classes: 3, using: &dataGenerator)
    let seed = TestSeed.value(default: 1402)
    func train() throws -> (MLPClassifier, MLPTrainingReport, Double) {
      var generator = SplitMix64(seed: seed)
      var model = MLPClassifier(
        featureCount: 4, hiddenWidth: 16, classCount: 3, activation: .selu, l2Strength: 1e-3, using: &generator)
      let before = model.loss(data.x, labels: data.labels, weights: data.weights)
      let report = try model.fit(
        data.x, labels: data.labels, weights: data.weights,
        options: MLPTrainingOptions(epochs: 40, batchSize: 32, learningRate: 1e-2), using: &generator)
      return (model, report, before)
    }
    let (first, report, before) = try train()
    let (second, _, _) = try train()
    #expect(report.loss < 0.8 * before, "loss \(before) -> \(report.loss)")
    #expect(report.epochs == 40 && report.steps == 40 * 5)
    #expect(first.parameters == second.parameters)  // bitwise
  }

  @Test(.timeLimit(.minutes(1)))
  func interpolatesARandomLabelSubset() throws {
    var generator = TestSeed.generator(default: 1501)
    var data = SyntheticData(rows: 60, features: 5, classes: 2, using: &generator)
    // Memorization target: 12 rows with coin-flip labels unrelated to their features.
    let subset = Array(0..<12)
    for i in subset { data.labels[i] = Int(generator.next() % 2) }
    var model = MLPClassifier(featureCount: 5, hiddenWidth: 64, classCount: 2, activation: .selu, using: &generator)
    let epochsSeen = ProgressLog()
    let report = try model.fit(
      data.x, labels: data.labels,
      options: MLPTrainingOptions(
        epochs: 2000, batchSize: 60, learningRate: 1e-2, stopWhenTrainingAccuracyReaches: 1.0, accuracyRows: subset),
      using: &generator, progress: { epoch, loss in epochsSeen.record(epoch, loss) })
    #expect(report.reachedAccuracyTarget, "\(report)")
    #expect(model.accuracy(data.x.rows(subset), labels: subset.map { data.labels[$0] }) == 1)
    #expect(epochsSeen.count == report.epochs)
  }

  @Test func parametersRoundTripAndBlocks() {
    var generator = TestSeed.generator(default: 1601)
    var model = MLPClassifier(featureCount: 4, hiddenWidth: 3, classCount: 2, using: &generator)
    #expect(model.parameterCount == 4 * 3 + 3 + 2 * 3 + 2)
    #expect(model.parameterRange(for: .lastLayer) == 15..<23)
    let theta = (0..<23).map(Double.init)
    model.parameters = theta
    #expect(model.parameters == theta)
    #expect(model.outputBiases == [21, 22])
    #expect(model.hiddenWeights[2, 3] == 11)
  }
}

/// A thread-safe log of progress callbacks (the callback is `@Sendable`).
final class ProgressLog: Sendable {
  private let storage = Mutex<[(Int, Double)]>([])
  func record(_ epoch: Int, _ loss: Double) { storage.withLock { $0.append((epoch, loss)) } }
  var count: Int { storage.withLock { $0.count } }
}
