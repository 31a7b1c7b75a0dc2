import ArgumentParser
import FairMemJSON
import FairnessStatistics
import MemorizationTheory

/// `fairmem explain`: every metric entry as an affine function of the memorized masses.
struct ExplainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "explain",
    abstract: "Show each metric entry as an affine form in x (exact fractions for count inputs).",
    discussion: """
      By R1-R3 every rate of a memorizing classifier is affine in the memorized masses x[a][y]: group rate (convention B) = (1/p[a]) sum_y [x[a][y] delta(y,yh) + (p[a][y]-x[a][y]) C[a][y][yh]]; cell rate = (x[a][y] delta(y,yh) + (p[a][y]-x[a][y]) C[a][y][yh]) / p[a][y]. Each entry (rate of one group minus another) is printed as constant + sum coef * x[a][y]. With "counts" input the coefficients are exact fractions.
      """)

  @OptionGroup var input: StatisticsOptions
  @OptionGroup var selection: MetricSelection

  func run() throws {
    let loaded = try LoadedStatistics.load(
      path: input.input, normalize: input.normalize, exact: input.exact ? .required : .whenCounts)
    let options = try selection.options(for: loaded.statistics)
    if let exact = loaded.exact {
      try render(exact, options: options)
    } else {
      try render(loaded.statistics, options: options)
    }
  }

  private func render<T>(_ stats: PopulationStatistics<T>, options: MetricOptions) throws {
    let metrics = selection.selectedMetrics
    if input.json {
      // The same bytes as encoding the whole array, written in chunks as entries are produced.
      let encoder = JSONReportEncoder()
      let output = CommandIO.current
      var chunk = ""
      var count = 0
      try stats.forEachExplanation(metrics: metrics, options: options) {
        chunk += try encoder.arrayElementText(
          EntryExplanationReport($0, groups: stats.groups, classes: stats.classes), index: count)
        count += 1
        if chunk.utf8.count >= 1 << 16 {
          output.write(chunk)
          chunk = ""
        }
      }
      output.write(chunk + encoder.arrayEndText(count: count) + "\n")
    } else {
      // One line per entry, written as it is produced (G(G-1)/2 entries per rate).
      var written = false
      stats.forEachExplanation(metrics: metrics, options: options) {
        print(AnswerText.explanation($0, groups: stats.groups, classes: stats.classes))
        written = true
      }
      if !written { print("") }
    }
  }
}
