public import DenseLinearAlgebra

extension MultinomialLogisticRegression {
  /// Fits the model by minimizing `J(θ) = Σ w_i ℓ_i / Σ w_i + (λ/2) Σ m_j θ_j²`, starting from the
  /// current ``parameters`` (zero for a new model; pass a fitted model to warm-start a refit).
  ///
  /// The fit is deterministic: no randomness, and the result depends only on the inputs and the
  /// BLAS thread count (summation order). On return ``parameters`` holds the last iterate even
  /// if the optimizer did not converge; the report says whether it did.
  ///
  /// - Parameters:
  ///   - x: features, `n x d`, one sample per row.
  ///   - labels: classes in `0..<classCount`, one per row.
  ///   - weights: non-negative sample weights with positive sum, or `nil` for all ones.
  ///   - options: solver, iteration limit and gradient tolerance.
  ///   - progress: called after every iteration with the iteration number and `J`.
  /// - Returns: iterations, final objective and gradient norm, and the termination reason.
  /// - Throws: ``ModelError`` if the data are inconsistent with the model or each other.
  @discardableResult
  public mutating func fit(
    _ x: Matrix, labels: [Int], weights: [Double]? = nil,
    options: LogisticRegressionFitOptions = LogisticRegressionFitOptions(),
    progress: (@Sendable (Int, Double) -> Void)? = nil
  ) throws(ModelError) -> FitReport {
    try validateTrainingData(x, labels: labels, weights: weights, featureCount: featureCount, classCount: classCount)
    let w = normalizedWeights(weights, count: x.rows)
    var model = self
    let k = classCount
    let evaluate: ([Double]) -> ObjectiveEvaluation = { theta in
      model.parameters = theta
      let f = model.forward(x)
      var value = 0.0
      for i in 0..<labels.count { value += w[i] * (f.logNormalizers[i] - f.logits[i * k + labels[i]]) }
      value += model.penalty()
      let g = model.gradient(x, labels: labels, normalizedWeights: w, probabilities: f.probabilities)
      return (value, g)
    }
    let result: (parameters: [Double], report: FitReport)
    switch options.solver {
    case .newton:
      result = minimizeNewton(
        start: parameters, maximumIterations: options.maximumIterations, tolerance: options.gradientTolerance,
        evaluate: evaluate,
        hessian: { theta in
          model.parameters = theta
          return model.derivatives(x, labels: labels, probabilities: model.forward(x).probabilities).hessian(
            weights: weights)
        },
        progress: progress)
    case .lbfgs(let memory):
      result = minimizeLBFGS(
        start: parameters, memory: memory, maximumIterations: options.maximumIterations,
        tolerance: options.gradientTolerance, evaluate: evaluate, progress: progress)
    }
    parameters = result.parameters
    return result.report
  }
}
