public import DenseLinearAlgebra

/// Options for ``MLPClassifier/fitFullBatch(_:labels:weights:options:)``: L-BFGS on the whole
/// training set.
public struct MLPFullBatchOptions: Sendable, Equatable, Codable {
  /// The most L-BFGS iterations in total.
  public var maximumIterations: Int
  /// Iterations between two checks of the stopping rule (L-BFGS restarts its memory after each
  /// check).
  public var checkEvery: Int
  /// L-BFGS memory (stored pairs).
  public var memory: Int
  /// Stop at the first check at which the accuracy on ``accuracyRows`` is at least this value.
  public var stopWhenTrainingAccuracyReaches: Double?
  /// The training rows the stopping rule checks (all rows if `nil`).
  public var accuracyRows: [Int]?

  /// Creates options; defaults: at most 2000 iterations, checks every 50, memory 10, no rule.
  public init(
    maximumIterations: Int = 2000, checkEvery: Int = 50, memory: Int = 10,
    stopWhenTrainingAccuracyReaches: Double? = nil, accuracyRows: [Int]? = nil
  ) {
    self.maximumIterations = maximumIterations
    self.checkEvery = checkEvery
    self.memory = memory
    self.stopWhenTrainingAccuracyReaches = stopWhenTrainingAccuracyReaches
    self.accuracyRows = accuracyRows
  }
}

extension MLPClassifier {
  /// Trains the network from its current parameters by L-BFGS on the full-batch objective
  /// `J = Σ_i w_i ℓ_i / Σ_i w_i + (λ/2)‖θ‖²` (deterministic: no shuffles, no generator), in
  /// rounds of `checkEvery` iterations; after each round the stopping rule is checked.
  ///
  /// Full-batch quasi-Newton steps drive the training loss of a small network on a small data
  /// set towards zero much faster than Adam's mini-batch steps, which is what interpolating a
  /// given set of targets needs (scikit-learn's `MLPClassifier(solver="lbfgs")` makes the same
  /// choice for small data).
  ///
  /// - Returns: the report (epochs = L-BFGS iterations, steps = rounds).
  /// - Throws: ``ModelError`` for inconsistent data or options.
  @discardableResult
  public mutating func fitFullBatch(
    _ x: Matrix, labels: [Int], weights: [Double]? = nil, options: MLPFullBatchOptions = MLPFullBatchOptions()
  ) throws(ModelError) -> MLPTrainingReport {
    try validateTrainingData(x, labels: labels, weights: weights, featureCount: featureCount, classCount: classCount)
    guard options.maximumIterations >= 0, options.checkEvery >= 1, options.memory >= 1 else {
      throw .shapeMismatch("maximumIterations must be >= 0, checkEvery >= 1 and memory >= 1")
    }
    let (checkX, checkLabels) = try accuracyCheckRows(x, labels: labels, rows: options.accuracyRows)
    let raw = weights ?? Array(repeating: 1, count: x.rows)
    let total = raw.reduce(0, +)
    guard total > 0 else { throw .shapeMismatch("the weights sum to zero") }
    let normalized = raw.map { $0 / total }
    var model = self
    func evaluate(_ theta: [Double]) -> ObjectiveEvaluation {
      model.parameters = theta
      return model.objectiveAndGradient(x, labels: labels, normalizedWeights: normalized, block: .all)
    }
    func reached() -> Bool {
      guard let target = options.stopWhenTrainingAccuracyReaches else { return false }
      return accuracy(checkX, labels: checkLabels) >= target
    }
    var iterations = 0
    var rounds = 0
    var hit = reached()
    while !hit && iterations < options.maximumIterations {
      let budget = min(options.checkEvery, options.maximumIterations - iterations)
      let result = minimizeLBFGS(
        start: parameters, memory: options.memory, maximumIterations: budget, tolerance: 0, evaluate: evaluate,
        progress: nil)
      parameters = result.parameters
      iterations += max(result.report.iterations, 1)
      rounds += 1
      hit = reached()
      if result.report.termination != .maximumIterations && !hit { break }
    }
    return MLPTrainingReport(
      epochs: iterations, steps: rounds, loss: loss(x, labels: labels, weights: weights),
      trainingAccuracy: accuracy(checkX, labels: checkLabels), reachedAccuracyTarget: hit)
  }
}

/// The rows (all if `rows` is nil) and labels a training stopping rule checks.
///
/// - Throws: ``ModelError/shapeMismatch(_:)`` for a row outside `0..<x.rows`.
func accuracyCheckRows(_ x: Matrix, labels: [Int], rows: [Int]?) throws(ModelError) -> (Matrix, [Int]) {
  let checkRows = rows ?? Array(0..<x.rows)
  if let bad = checkRows.first(where: { $0 < 0 || $0 >= x.rows }) {
    throw .shapeMismatch("accuracy row \(bad) is outside 0..<\(x.rows)")
  }
  return (x.rows(checkRows), checkRows.map { labels[$0] })
}
