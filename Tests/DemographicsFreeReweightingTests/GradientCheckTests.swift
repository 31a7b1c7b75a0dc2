import DemographicsFreeReweighting
import DenseLinearAlgebra
import FairnessModels
import SeededRandom
import Testing
import _TestSupport

func gaussianMatrix(_ rows: Int, _ columns: Int, using generator: inout SplitMix64) -> Matrix {
  Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in generator.nextStandardNormal() })
}

@Suite("Group-free reweighting: exact gradients against finite differences")
struct GradientCheckTests {
  @Test func lastLayerGradientsOfLogisticRegressionAreTheClosedFormAndMatchFiniteDifferences() {
    var generator = TestSeed.generator(default: 3001)
    let x = gaussianMatrix(9, 4, using: &generator)
    let labels = (0..<9).map { $0 % 2 }
    var model = MultinomialLogisticRegression(featureCount: 4, classCount: 2)
    model.parameters = (0..<5).map { _ in 0.5 * generator.nextStandardNormal() }
    let g = GroupFreeLearner.lr(model).lastLayerGradients(x, labels: labels)
    #expect(g.rows == 9 && g.columns == 5)
    let p = model.probabilities(x)
    for i in 0..<9 {
      // (p_i(1) − y_i)·[x_i; 1]
      let closed = (x.row(i) + [1]).map { (p[i, 1] - Double(labels[i])) * $0 }
      #expect(mismatch(g.row(i), closed, absolute: 1e-14, relative: 1e-12) == nil, "row \(i)")
      let numeric = centralDifferences(at: model.parameters) { theta in
        var m = model
        m.parameters = theta
        return m.perSampleLosses(x.rows([i]), labels: [labels[i]])[0]
      }
      #expect(mismatch(g.row(i), numeric, absolute: 1e-7, relative: 1e-6) == nil, "row \(i)")
    }
  }

  /// ReLU (`groupfree`'s learner) and SeLU (the MLP of `compare`'s group-free arms).
  @Test(arguments: [Activation.relu, .selu])
  func lastLayerGradientsOfTheMLPAreTheClosedFormAndMatchFiniteDifferences(activation: Activation) {
    var generator = TestSeed.generator(default: 3002)
    let x = gaussianMatrix(7, 3, using: &generator)
    let labels = [0, 1, 1, 0, 1, 0, 0]
    let learner = GroupFreeLearner(
      kind: .mlp, featureCount: 3, hiddenWidth: 5, activation: activation, using: &generator)
    guard case .mlp(let model) = learner else {
      Issue.record("expected an MLP")
      return
    }
    let g = learner.lastLayerGradients(x, labels: labels)
    #expect(g.rows == 7 && g.columns == 2 * (5 + 1))
    let h = model.hiddenRepresentation(x)
    let p = model.probabilities(x)
    let range = model.parameterRange(for: .lastLayer)
    for i in 0..<7 {
      // (p_i − e_{y_i}) ⊗ [h_i; 1] in the [vec(W₂), b₂] order.
      let r = (0..<2).map { p[i, $0] - ($0 == labels[i] ? 1 : 0) }
      let closed = r.flatMap { rc in h.row(i).map { rc * $0 } } + r
      #expect(mismatch(g.row(i), closed, absolute: 1e-14, relative: 1e-12) == nil, "row \(i)")
      let numeric = centralDifferences(at: Array(model.parameters[range])) { last in
        var m = model
        var theta = m.parameters
        theta.replaceSubrange(range, with: last)
        m.parameters = theta
        return m.perSampleLosses(x.rows([i]), labels: [labels[i]])[0]
      }
      #expect(mismatch(g.row(i), numeric, absolute: 1e-7, relative: 1e-6) == nil, "row \(i)")
    }
  }

  @Test(arguments: [false, true])
  func graphAdversaryGradientMatchesFiniteDifferences(negativeScores: Bool) {
    var generator = TestSeed.generator(default: negativeScores ? 3004 : 3003)
    let b = 12
    let inputs = gaussianMatrix(b, 4, using: &generator)
    let graph = NearestNeighbourGraph(points: gaussianMatrix(b, 6, using: &generator), neighbourCount: 3)
    let losses = (0..<b).map { _ in abs(generator.nextStandardNormal()) + 0.1 }
    var adversary = GraphAdversary(inputWidth: 4, encoderWidth: 5, leakySlope: 0.01, using: &generator)
    if negativeScores {
      // Shift the GCN bias to minus the median score, so that half the scores are negative: the
      // LeakyReLU's slope branch. (No score sits at the kink, where the derivative jumps.)
      let scores = adversary.forward(inputs, graph: graph).scores.sorted()
      adversary.parameters[adversary.parameters.count - 1] = -(scores[b / 2 - 1] + scores[b / 2]) / 2
    }
    let pass = adversary.forward(inputs, graph: graph)
    if negativeScores { #expect(pass.scores.contains { $0 < 0 } && pass.scores.contains { $0 > 0 }) }
    #expect(abs(pass.weights.reduce(0, +) / Double(b) - 1) < 1e-7, "λ averages 1 in the batch")
    let analytic = adversary.objectiveGradient(pass, inputs: inputs, graph: graph, losses: losses)
    let numeric = centralDifferences(at: adversary.parameters) { phi in
      var a = adversary
      a.parameters = phi
      let w = a.forward(inputs, graph: graph).weights
      return zip(w, losses).reduce(0) { $0 + $1.0 * $1.1 } / Double(b)
    }
    #expect(mismatch(analytic, numeric, absolute: 1e-8, relative: 1e-6) == nil)
  }

  @Test func linearAdversaryGradientMatchesFiniteDifferences() {
    var generator = TestSeed.generator(default: 3005)
    let inputs = gaussianMatrix(10, 5, using: &generator)
    let losses = (0..<10).map { _ in abs(generator.nextStandardNormal()) }
    let adversary = LinearAdversary(inputWidth: 5, using: &generator)
    let scores = adversary.scores(inputs)
    let weights = LinearAdversary.weights(scores: scores)
    #expect(abs(weights.reduce(0, +) / 10 - 2) < 1e-12, "ARL's λ = 1 + B s/Σs averages 2")
    let analytic = adversary.objectiveGradient(inputs, scores: scores, losses: losses)
    let numeric = centralDifferences(at: adversary.parameters) { phi in
      var a = adversary
      a.parameters = phi
      let w = LinearAdversary.weights(scores: a.scores(inputs))
      return zip(w, losses).reduce(0) { $0 + $1.0 * $1.1 } / 10
    }
    #expect(mismatch(analytic, numeric, absolute: 1e-8, relative: 1e-6) == nil)
  }

  @Test func cvarWeightsAverageTheWorstFraction() {
    var generator = TestSeed.generator(default: 3006)
    let losses = (0..<20).map { _ in abs(generator.nextStandardNormal()) }
    for alpha in [0.2, 0.25, 0.33, 1.0] {
      let w = cvarWeights(losses: losses, alpha: alpha)
      #expect(abs(w.reduce(0, +) / 20 - 1) < 1e-12)
      // Brute force: CVaR_α = mean of the worst αn losses, the boundary one counted fractionally.
      let sorted = losses.sorted(by: >)
      let mass = alpha * 20
      let whole = Int(mass.rounded(.down))
      var cvar = sorted.prefix(whole).reduce(0, +)
      if whole < 20 { cvar += (mass - Double(whole)) * sorted[whole] }
      cvar /= mass
      let weighted = zip(w, losses).reduce(0) { $0 + $1.0 * $1.1 } / 20
      #expect(abs(weighted - cvar) < 1e-12, "α = \(alpha)")
    }
  }
}
