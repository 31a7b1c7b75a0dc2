public import FairnessStatistics

/// The typed reports of `Mitigation` (the schemas of `fairmem reweight --json` and
/// `fairmem compare --json`, documented in Docs/output-format.md). JSON keys are snake_case; a
/// value that is undefined is written as `null` (never left out), so every object of one kind has
/// the same keys.

extension MitigationMethod: Codable {}
extension WeightApplication: Codable {}
extension ModelKind: Codable {}

/// The metrics of one model on one split (`FairnessEvaluation` as reported): accuracy, error and
/// the seed-001/seed-004 gaps, `null` when undefined on the split (see `notes`).
public struct EvaluationReport: Codable, Sendable, Equatable {
  public var accuracy: Double
  public var error: Double
  public var demographicParity: Double
  public var equalizedOdds: Double?
  public var equalOpportunity: Double?
  public var accuracyDifference: Double
  public var averageOdds: Double?
  public var equalOpportunityDifference: Double?
  /// The lower group accuracy (seed 003's W.Acc).
  public var worstGroupAccuracy: Double
  /// `max(|ΔTPR|, |ΔFPR|)` (fairlearn's `equalized_odds_difference`, seed 003's E.Odds).
  public var equalizedOddsDifference: Double?
  /// Why a metric is undefined, if one is.
  public var notes: [String]

  enum CodingKeys: String, CodingKey {
    case accuracy, error, notes
    case demographicParity = "dp"
    case equalizedOdds = "eo"
    case equalOpportunity = "deo"
    case accuracyDifference = "ad"
    case averageOdds = "aod"
    case equalOpportunityDifference = "eod"
    case worstGroupAccuracy = "wacc"
    case equalizedOddsDifference = "eo_max"
  }

  public init(_ evaluation: FairnessEvaluation) {
    accuracy = evaluation.accuracy
    error = evaluation.error
    demographicParity = evaluation.demographicParity
    equalizedOdds = evaluation.equalizedOdds
    equalOpportunity = evaluation.equalOpportunity
    accuracyDifference = evaluation.accuracyDifference
    averageOdds = evaluation.averageOdds
    equalOpportunityDifference = evaluation.equalOpportunityDifference
    worstGroupAccuracy = evaluation.worstGroupAccuracy
    equalizedOddsDifference = evaluation.equalizedOddsDifference
    notes = evaluation.notes
  }

  /// The value of the named metric (`nil` when undefined).
  public func value(of metric: FairnessMetric) -> Double? {
    switch metric {
    case .accuracy: accuracy
    case .error: error
    case .demographicParityDifference: demographicParity
    case .equalizedOddsGapSum: equalizedOdds
    case .equalOpportunityDifference: equalOpportunity
    case .accuracyDifference: accuracyDifference
    case .averageOddsDifference: averageOdds
    case .equalizedOddsDifference: equalizedOddsDifference
    case .statisticalParity, .equalOpportunity, .equalizedOdds: nil
    }
  }

}

extension SelectionReport: Codable {
  enum CodingKeys: String, CodingKey {
    case metric
    case gridCount = "grid_count"
    case accuracyBudget = "accuracy_budget"
    case maxClippedFraction = "max_clipped_fraction"
    case excludedByClipping = "excluded_by_clipping"
    case excludedByAccuracy = "excluded_by_accuracy"
    case undefined
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    var excluded = Selection.Exclusions()
    excluded.clipping = try c.decode(Int.self, forKey: .excludedByClipping)
    excluded.accuracy = try c.decode(Int.self, forKey: .excludedByAccuracy)
    excluded.undefined = try c.decode(Int.self, forKey: .undefined)
    self.init(
      metric: try c.decode(FairnessMetric.self, forKey: .metric),
      gridCount: try c.decode(Int.self, forKey: .gridCount),
      accuracyBudget: try c.decodeIfPresent(Double.self, forKey: .accuracyBudget),
      maxClippedFraction: try c.decodeIfPresent(Double.self, forKey: .maxClippedFraction), excluded: excluded)
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(metric, forKey: .metric)
    try c.encode(gridCount, forKey: .gridCount)
    try c.encode(accuracyBudget, forKey: .accuracyBudget)
    try c.encode(maxClippedFraction, forKey: .maxClippedFraction)
    try c.encode(excluded.clipping, forKey: .excludedByClipping)
    try c.encode(excluded.accuracy, forKey: .excludedByAccuracy)
    try c.encode(excluded.undefined, forKey: .undefined)
  }
}

/// One evaluated weighting (`MitigationOutcome` as reported).
public struct OutcomeReport: Codable, Sendable, Equatable {
  public var method: MitigationMethod
  public var application: WeightApplication
  /// λ (or K for the drop rules).
  public var value: Double
  /// λ₀ (1 for the drop rules).
  public var scale: Double
  /// `value / scale` (λ/λ₀; K for the drop rules).
  public var relativeValue: Double
  public var clippedCount: Int
  public var clippedMass: Double
  public var clippedFraction: Double
  public var dropped: Int
  public var weightSum: Double
  /// `Σ_i I_i Δw_i` for the smooth validation target.
  public var predictedChange: Double
  /// `F(θ_new) − F(θ̂)`.
  public var actualChange: Double
  public var validation: EvaluationReport
  public var test: EvaluationReport
  public var notes: [String]
  /// How the value was selected (absent when it was given).
  public var selection: SelectionReport?
  /// FairIF only: predicted and obtained TPR/TNR gaps (absent for the other rules).
  public var predictedGaps: [Double]?
  public var actualGaps: [Double]?

  enum CodingKeys: String, CodingKey {
    case method, application, value, scale, dropped, validation, test, notes, selection
    case relativeValue = "relative_value"
    case clippedCount = "clipped_count"
    case clippedMass = "clipped_mass"
    case clippedFraction = "clipped_fraction"
    case weightSum = "weight_sum"
    case predictedChange = "predicted_change"
    case actualChange = "actual_change"
    case predictedGaps = "predicted_gaps"
    case actualGaps = "actual_gaps"
  }

  /// Writes every key; `selection` and the FairIF gaps only when present (they are absent, not
  /// `null`, for a given value and for the other rules).
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(method, forKey: .method)
    try c.encode(application, forKey: .application)
    try c.encode(value, forKey: .value)
    try c.encode(scale, forKey: .scale)
    try c.encode(relativeValue, forKey: .relativeValue)
    try c.encode(clippedCount, forKey: .clippedCount)
    try c.encode(clippedMass, forKey: .clippedMass)
    try c.encode(clippedFraction, forKey: .clippedFraction)
    try c.encode(dropped, forKey: .dropped)
    try c.encode(weightSum, forKey: .weightSum)
    try c.encode(predictedChange, forKey: .predictedChange)
    try c.encode(actualChange, forKey: .actualChange)
    try c.encode(validation, forKey: .validation)
    try c.encode(test, forKey: .test)
    try c.encode(notes, forKey: .notes)
    if let selection { try c.encode(selection, forKey: .selection) }
    if let predictedGaps { try c.encode(predictedGaps, forKey: .predictedGaps) }
    if let actualGaps { try c.encode(actualGaps, forKey: .actualGaps) }
  }

  public init(_ o: MitigationOutcome) {
    method = o.method
    application = o.application
    value = o.value
    scale = o.scale
    relativeValue = o.relativeValue
    clippedCount = o.clipping.count
    clippedMass = o.clipping.mass
    clippedFraction = o.clippedFraction
    dropped = o.droppedCount
    weightSum = o.weightSum
    predictedChange = o.predictedChange
    actualChange = o.actualChange
    validation = EvaluationReport(o.validation)
    test = EvaluationReport(o.test)
    notes = o.notes
    selection = o.selection
    predictedGaps = o.predictedGaps
    actualGaps = o.actualGaps
  }
}

extension MitigationOutcome {
  /// `value / scale`: λ/λ₀ for the continuous rules, K for the drop rules (whose scale is 1).
  public var relativeValue: Double { scale > 0 ? value / scale : value }
}
