import ArgumentParser
import FairMemJSON
import FairnessStatistics
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
    let loaded = try LoadedStatistics.load(
      path: input.input, normalize: input.normalize, exact: input.exact ? .required : .never)
    let stats = loaded.statistics
    let favorableIndex = try stats.classIndex(named: favorable)
    if memorized != nil && uniform != nil {
      throw InputError(field: "--memorized/--uniform", problem: "give at most one of them")
    }
    if let pD = uniform, !(pD.isFinite && pD >= 0 && pD <= 1) {
      throw InputError(field: "--uniform", problem: "must be in [0, 1], got \(pD)")
    }
    if let exactStats = loaded.exact, memorized == nil {
      let exactX = uniform.map { exactStats.uniformMemorization(Rational(exactly: $0)) } ?? exactStats.noMemorization
      try emit(exactStats.biasReport(memorized: exactX, favorableClass: favorableIndex))
    } else {
      let x =
        try memorized.map { try StatisticsDecoder.memorizedMasses($0, field: "--memorized", for: stats) }
        ?? uniform.map(stats.uniformMemorization) ?? stats.noMemorization
      try emit(stats.biasReport(memorized: x, favorableClass: favorableIndex))
    }
  }

  private func emit<T>(_ report: BiasReport<T>) throws {
    if input.json {
      print(try AnswerJSON.text(report: ClassifierBiasReport(report)))
    } else {
      AnswerText.bias(report) { print($0) }
    }
  }
}
