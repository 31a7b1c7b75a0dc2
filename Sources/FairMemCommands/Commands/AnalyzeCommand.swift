import ArgumentParser
import FairMemJSON
import FairnessStatistics
import MemorizationTheory

/// `fairmem analyze`: the full report for all three metrics (the main job).
struct AnalyzeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "analyze",
    abstract: "Full report: base bias, and for SP/EOpp/EOdds whether memorization can hide it and how much it takes.",
    discussion: """
      With no input file, runs on the built-in example (an Adult-like income classifier). For each metric: feasibility of zero (or eps) bias, least and most memorized mass with a witness re-checked by the mixture rule R0, or a checked Farkas certificate; the closed forms R5-R7 and whether they agree with the LP; a short mass-vs-bias frontier; with counts, the integer version (records per cell) and, with --exact, certified rational answers.
      """)

  @Argument(help: "Statistics JSON file; omit for the built-in example; '-' reads standard input.")
  var input: String?
  @OptionGroup var selection: MetricSelection
  @Flag(help: "Rescale rows that do not sum to 1.") var normalize = false
  @Flag(help: "Exact rational answers (needs counts).") var exact = false
  @Flag(help: "Print JSON instead of tables.") var json = false
  @Option(help: "Frontier points per metric.") var frontierPoints: Int = 5

  func run() throws {
    guard frontierPoints >= 2, frontierPoints <= 1000 else {
      throw InputError(field: "--frontier-points", problem: "must be in 2...1000")
    }
    let loaded = try LoadedStatistics.load(path: input, normalize: normalize, exact: exact ? .required : .never)
    let analysis = try MemorizationAnalysis.fullAnalysis(
      loaded.statistics, metrics: selection.selectedMetrics, options: try selection.options(for: loaded.statistics),
      exactStatistics: loaded.exact, frontierPoints: frontierPoints)
    let plain = analysis.metrics.map { AnswerText.sentence($0.answer) }
    if json {
      print(try AnswerJSON.text(report: AnalysisReport(analysis, source: loaded.source, summary: plain)))
    } else {
      print(AnswerText.analysis(analysis, source: loaded.source, summary: plain))
    }
  }
}
