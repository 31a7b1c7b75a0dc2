import ArgumentParser
import FairMemJSON
import FairnessStatistics
import Foundation
import MemorizationTheory

/// `fairmem frontier`: least achievable bias for each memorization budget.
struct FrontierCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "frontier",
    abstract: "The mass-vs-bias frontier: least achievable largest |gap| per memorization budget.",
    discussion: """
      For each budget B: minimize t subject to |entry(x)| <= t for every entry and pair of groups, and sum x <= B (an LP). The curve is nonincreasing and convex; at B = 0 it is the base classifier's largest gap. Budgets run evenly from 0 to --max-budget (default: the least zero-bias mass when zero bias is possible, otherwise the total memorizable mass).
      """)

  @OptionGroup var input: StatisticsOptions
  @OptionGroup var selection: MetricSelection
  @Option(help: "Number of budgets (>= 2).") var points: Int = 11
  @Option(help: "Largest budget.") var maxBudget: Double?

  func run() throws {
    guard points >= 2, points <= 100_000 else {
      throw InputError(field: "--points", problem: "must be in 2...100000, got \(points)")
    }
    let loaded = try LoadedStatistics.load(path: input.input, normalize: input.normalize, exact: false)
    let stats = loaded.statistics
    let options = try selection.options(for: stats)
    var objects: [[String: Any]] = []
    var texts: [String] = []
    for metric in selection.selectedMetrics {
      var limit = stats.totalCap
      if let m = maxBudget {
        guard m.isFinite, m >= 0, m <= 1 else {
          throw InputError(field: "--max-budget", problem: "must be in [0, 1], got \(m)")
        }
        limit = m
      } else if let minimum = try MemorizationAnalysis.analyze(
        stats, metric: metric, options: MetricOptions(favorableClass: options.favorableClass), certificate: false
      ).minMass {
        limit = minimum
      }
      let curve = try MemorizationAnalysis.frontier(
        stats, metric: metric, favorableClass: options.favorableClass,
        budgets: MemorizationAnalysis.evenlySpacedBudgets(upTo: limit, count: points))
      objects.append(AnswerJSON.object(curve, metric: metric))
      texts.append(AnswerText.frontier(curve, metric: metric))
    }
    if input.json {
      print(try AnswerJSON.text(objects.count == 1 ? objects[0] : objects))
    } else {
      print(texts.joined(separator: "\n\n"))
    }
  }
}
