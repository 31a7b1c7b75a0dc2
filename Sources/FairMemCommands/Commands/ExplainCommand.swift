import ArgumentParser
import FairMemJSON
import FairnessStatistics
import Foundation
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
    let loaded = try LoadedStatistics.load(path: input.input, normalize: input.normalize, exact: false)
    let options = try selection.options(for: loaded.statistics)
    let decoder = StatisticsDecoder(normalize: input.normalize)
    if loaded.object["counts"] != nil {
      try render(decoder.decodeExact(object: loaded.object), options: options)
    } else {
      try render(loaded.statistics, options: options)
    }
  }

  private func render<T>(_ stats: PopulationStatistics<T>, options: MetricOptions) throws {
    var objects: [[String: Any]] = []
    var lines: [String] = []
    for metric in selection.selectedMetrics {
      for entry in stats.allEntries(for: metric, options: options) {
        let form = stats.entryForm(entry)
        let label = entry.label(groups: stats.groups, classes: stats.classes)
        var terms: [[String: Any]] = []
        var text = "\(label) = \(form.constant)"
        for a in 0..<stats.groupCount {
          for y in 0..<stats.classCount where !form.coefficients[a][y].isZero {
            let c = form.coefficients[a][y]
            terms.append([
              "group": stats.groups[a], "class": stats.classes[y], "coefficient": c.description, "value": c.doubleValue,
            ])
            text += (c < .zero ? " - " : " + ") + "\(c.magnitudeValue) * x[\(stats.groups[a])][\(stats.classes[y])]"
          }
        }
        lines.append(text)
        objects.append([
          "metric": metric.rawValue, "entry": label, "constant": form.constant.description,
          "constant_value": form.constant.doubleValue, "terms": terms,
        ])
      }
    }
    if input.json { print(try AnswerJSON.text(objects)) } else { print(lines.joined(separator: "\n")) }
  }
}
