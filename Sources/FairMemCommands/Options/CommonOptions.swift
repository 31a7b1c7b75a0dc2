import ArgumentParser
import FairMemJSON
import FairnessStatistics
import MemorizationTheory

/// Options every statistics-reading command shares.
struct StatisticsOptions: ParsableArguments {
  @Argument(help: "Statistics JSON file (see Docs/input-format.md); '-' reads standard input.")
  var input: String

  @Flag(help: "Rescale rows (and the population) that do not sum to 1 instead of rejecting them.")
  var normalize = false

  @Flag(help: "Exact rational answers (needs \"counts\"): GLPK's exact simplex, certified in rational arithmetic.")
  var exact = false

  @Flag(help: "Print JSON instead of tables.")
  var json = false
}

/// Which metric entries count and how close to zero is zero.
struct MetricSelection: ParsableArguments {
  @Option(
    name: .customLong("metric"),
    help: ArgumentHelp(
      "Metric(s), repeatable; default: all three. \(FairnessMetric.helpText(for: FairnessMetric.gapVectors))."
    )
  )
  var metrics: [String] = []

  @Option(help: "Restrict to one favorable class (binary-style SP/EOpp/EOdds on that class).")
  var favorable: String?

  @Option(help: "Every |entry| must be at most EPS (default 0: exact zero bias).")
  var tolerance: Double = 0

  func validate() throws {
    for name in metrics where FairnessMetric(spelling: name)?.isGapVector != true {
      throw InputError(field: "--metric", problem: "unknown metric '\(name)' (use sp, eopp or eodds)")
    }
    guard tolerance.isFinite, tolerance >= 0, tolerance <= 1 else {
      throw InputError(field: "--tolerance", problem: "must be a number in [0, 1], got \(tolerance)")
    }
  }

  var selectedMetrics: [FairnessMetric] {
    metrics.isEmpty ? FairnessMetric.gapVectors : metrics.compactMap { FairnessMetric(spelling: $0) }
  }

  func options(for statistics: PopulationStatistics<Double>) throws -> MetricOptions {
    MetricOptions(favorableClass: try statistics.classIndex(named: favorable), tolerance: tolerance)
  }
}
