import ArgumentParser
import FairMemJSON
import FairnessStatistics
import Foundation
import MemorizationTheory

/// `fairmem bias`: rates and gaps of a memorizing classifier (R1-R3).
struct BiasCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bias",
    abstract: "Bias of a classifier that memorizes part of the population (R1-R3).",
    discussion: """
      On {D=1} the classifier predicts the true label, on {D=0} the base classifier predicts. Give the memorized mass per cell with --memorized '[[x00,x01],[x10,x11]]' (x[a][y] = P(D=1, A=a, Y=y)), or a uniform fraction with --uniform pD (x = pD * p). Without either, reports the base classifier. Prints group rates P(Yhat|A), cell rates P(Yhat|Y,A), the gap vectors of SP/EOpp/EOdds for every pair of groups and the usual scalar summaries.
      """)

  @OptionGroup var input: StatisticsOptions
  @Option(help: "Memorized mass per cell as a JSON matrix x[a][y].") var memorized: String?
  @Option(help: "Uniform memorization: the fraction pD of every cell.") var uniform: Double?
  @Option(help: "Favorable class for the scalar summaries (default: the last class).") var favorable: String?

  func run() throws {
    let loaded = try LoadedStatistics.load(path: input.input, normalize: input.normalize, exact: input.exact)
    let stats = loaded.statistics
    let favorableIndex = try stats.classIndex(named: favorable)
    let x = try memorization(for: stats)
    if let exactStats = loaded.exact, memorized == nil {
      let exactX = uniform.map { exactStats.uniformMemorization(Rational(exactly: $0)) } ?? exactStats.noMemorization
      try emit(exactStats.biasReport(memorized: exactX, favorableClass: favorableIndex))
    } else {
      try emit(stats.biasReport(memorized: x, favorableClass: favorableIndex))
    }
  }

  private func emit<T>(_ report: BiasReport<T>) throws {
    if input.json { print(try AnswerJSON.text(AnswerJSON.object(report))) } else { print(AnswerText.bias(report)) }
  }

  func memorization(for stats: PopulationStatistics<Double>) throws -> [[Double]] {
    if memorized != nil && uniform != nil {
      throw InputError(field: "--memorized/--uniform", problem: "give at most one of them")
    }
    if let pD = uniform {
      guard pD.isFinite, pD >= 0, pD <= 1 else {
        throw InputError(field: "--uniform", problem: "must be in [0, 1], got \(pD)")
      }
      return stats.uniformMemorization(pD)
    }
    guard let text = memorized else { return stats.noMemorization }
    guard let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8)), let rows = parsed as? [[Any]] else {
      throw InputError(field: "--memorized", problem: "expected a JSON matrix like [[0.1,0],[0,0.05]]")
    }
    guard rows.count == stats.groupCount, rows.allSatisfy({ $0.count == stats.classCount }) else {
      throw InputError(
        field: "--memorized", problem: "shape mismatch: expected \(stats.groupCount) x \(stats.classCount)")
    }
    var x: [[Double]] = []
    for (a, row) in rows.enumerated() {
      var values: [Double] = []
      for (y, item) in row.enumerated() {
        let v = try StatisticsDecoder.finiteNumber(item, field: "--memorized[\(a)][\(y)]")
        guard v >= 0, v <= stats.population[a][y] + 1e-12 else {
          throw InputError(
            field: "--memorized[\(a)][\(y)]", problem: "\(v) is outside [0, P(A,Y) = \(stats.population[a][y])]")
        }
        values.append(min(v, stats.population[a][y]))
      }
      x.append(values)
    }
    return x
  }
}
