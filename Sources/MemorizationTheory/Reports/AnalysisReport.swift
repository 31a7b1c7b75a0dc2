public import FairnessStatistics

/// The JSON schema of one metric in `analyze --json`: the answer's fields
/// (`MemorizationAnswerReport`) with the frontier points and the integer version beside them.
public struct MetricAnalysisReport: Codable, Sendable, Equatable {
  public var answer: MemorizationAnswerReport
  public var frontier: [FrontierPoint]
  /// The integer version (counts only; null otherwise).
  public var integer: IntegerAnswerReport?
  /// The robust answer (count inputs only; the key is absent otherwise).
  public var robust: RobustSection?

  private enum ExtraKeys: String, CodingKey { case frontier, integer, robust }

  public init(_ analysis: MetricAnalysis) {
    answer = MemorizationAnswerReport(analysis.answer)
    frontier = analysis.frontier
    integer = analysis.integer.map(IntegerAnswerReport.init)
    robust = analysis.robust
  }

  public init(from decoder: any Decoder) throws {
    answer = try MemorizationAnswerReport(from: decoder)
    let container = try decoder.container(keyedBy: ExtraKeys.self)
    frontier = try container.decode([FrontierPoint].self, forKey: .frontier)
    integer = try container.decodeIfPresent(IntegerAnswerReport.self, forKey: .integer)
    robust = try container.decodeIfPresent(RobustSection.self, forKey: .robust)
  }

  public func encode(to encoder: any Encoder) throws {
    try answer.encode(to: encoder)
    var container = encoder.container(keyedBy: ExtraKeys.self)
    try container.encode(frontier, forKey: .frontier)
    try container.encodeIfPresent(integer, forKey: .integer)
    if let robust { try container.encode(robust, forKey: .robust) }
  }
}

/// The JSON schema of `fairmem analyze --json`.
public struct AnalysisReport: Codable, Sendable, Equatable {
  /// Where the statistics came from (a file name, `standard input` or the built-in example).
  public var source: String
  public var groups: [String]
  public var classes: [String]
  /// The statistical-parity convention, `"A"` or `"B"`.
  public var convention: String
  public var notes: [String]
  /// The base classifier (nothing memorized).
  public var base: ClassifierBiasReport
  public var results: [MetricAnalysisReport]
  /// One plain-words sentence per metric.
  public var summary: [String]

  public init(_ analysis: FullAnalysis, source: String, summary: [String]) {
    self.source = source
    groups = analysis.statistics.groups
    classes = analysis.statistics.classes
    convention = analysis.statistics.convention.rawValue
    notes = analysis.statistics.notes
    base = ClassifierBiasReport(analysis.base)
    results = analysis.metrics.map(MetricAnalysisReport.init)
    self.summary = summary
  }
}

/// The JSON schema of one entry of `fairmem explain --json`.
public struct EntryExplanationReport: Codable, Sendable, Equatable {
  /// One nonzero term `coefficient * x[group][class]`.
  public struct Term: Codable, Sendable, Equatable {
    public var group: String
    public var `class`: String
    /// The coefficient as written (an exact fraction for count inputs).
    public var coefficient: String
    /// The coefficient as a double.
    public var value: Double
  }

  public var metric: FairnessMetric
  public var entry: String
  /// The constant as written (an exact fraction for count inputs).
  public var constant: String
  public var constantValue: Double
  public var terms: [Term]

  enum CodingKeys: String, CodingKey {
    case metric, entry, constant, terms
    case constantValue = "constant_value"
  }

  public init<T>(_ explanation: EntryExplanation<T>, groups: [String], classes: [String]) {
    metric = explanation.metric
    entry = explanation.label
    constant = explanation.form.constant.description
    constantValue = explanation.form.constant.doubleValue
    var terms: [Term] = []
    for (a, row) in explanation.form.coefficients.enumerated() {
      for (y, c) in row.enumerated() where !c.isZero {
        terms.append(Term(group: groups[a], class: classes[y], coefficient: c.description, value: c.doubleValue))
      }
    }
    self.terms = terms
  }
}
