/// The datasets FairMem's empirical commands name: the one dataset vocabulary of `validate`,
/// `reweight` and `compare` (and their `--help`). The real ones are loaded by ``RealDataset``
/// (COMPAS with its two races, German with sex as the group); the synthetic ones are the three
/// bias types of ``SyntheticPopulation/biasBenchmark(_:dimension:classSeparation:groupSeparation:)``.
public enum BenchmarkDataset: String, Sendable, Hashable, CaseIterable, Codable {
  case adult
  case compas
  case german
  case syntheticGroupSize = "synthetic-group-size"
  case syntheticDistributionShift = "synthetic-distribution-shift"
  case syntheticClassSize = "synthetic-class-size"

  /// The real benchmarks.
  public static let real: [BenchmarkDataset] = [.adult, .compas, .german]

  public var isSynthetic: Bool { realDataset == nil }

  /// The loader of a real benchmark (nil for a synthetic one).
  public var realDataset: RealDataset? {
    switch self {
    case .adult: .adult
    case .compas: .compas(.twoRaces)
    case .german: .german(.sex)
    case .syntheticGroupSize, .syntheticDistributionShift, .syntheticClassSize: nil
    }
  }

  /// The bias type of a synthetic benchmark (nil for a real one).
  public var syntheticBias: SyntheticBias? {
    switch self {
    case .syntheticGroupSize: .groupSizeDiscrepancy()
    case .syntheticDistributionShift: .groupDistributionShift()
    case .syntheticClassSize: .classSizeDiscrepancy()
    case .adult, .compas, .german: nil
    }
  }

  /// The name reports print: Adult, COMPAS, German, or the synthetic name.
  public var displayName: String {
    switch self {
    case .adult: "Adult"
    case .compas: "COMPAS"
    case .german: "German"
    default: rawValue
    }
  }
}
