import FairMemJSON
import FairnessStatistics
import Foundation
import LinearProgramming
import MemorizationTheory
import Testing

@Suite("StatisticsDecoder: every bad-input class throws StatisticsError naming the field")
struct DecoderTests {
  static let good = #"""
    {"groups": ["a", "b"], "classes": ["0", "1"],
     "population": [[0.3, 0.1], [0.35, 0.25]],
     "confusion": [[[0.9, 0.1], [0.4, 0.6]], [[0.8, 0.2], [0.2, 0.8]]]}
    """#

  /// The error decoding `json` throws (nil if it decodes).
  static func error(_ json: String, normalize: Bool = false) -> StatisticsError? {
    do {
      _ = try StatisticsDecoder(normalize: normalize).decode(Data(json.utf8))
      return nil
    } catch {
      return error
    }
  }

  static func error(object: [String: Any], exact: Bool = false) -> StatisticsError? {
    do {
      if exact {
        _ = try StatisticsDecoder().decodeExact(object: object)
      } else {
        _ = try StatisticsDecoder().decode(object: object)
      }
      return nil
    } catch {
      return error
    }
  }

  @Test func goodInputDecodes() throws {
    let stats = try StatisticsDecoder().decode(Data(Self.good.utf8))
    #expect(stats.groups == ["a", "b"] && stats.classes == ["0", "1"])
    #expect(stats.notes.isEmpty)
    #expect(stats.convention == .cellRandom)
    #expect(stats.capIsPopulation)
  }

  @Test(
    "field named for each bad input",
    arguments: [
      // (description, json, expected field)
      ("probability above 1", variant("[0.9, 0.1], [0.4, 0.6]", "[1.3, 0.1], [0.4, 0.6]"), "confusion[0][0][0]"),
      ("negative probability", variant("[0.3, 0.1]", "[-0.3, 0.1]"), "population[0][0]"),
      ("NaN token is not JSON", variant("[0.3, 0.1]", "[NaN, 0.1]"), "input"),
      ("population not summing to 1", variant("[0.3, 0.1]", "[0.3, 0.2]"), "population"),
      ("confusion row not summing to 1", variant("[0.4, 0.6]", "[0.4, 0.5]"), "confusion[0][1]"),
      ("population shape", variant("[0.3, 0.1]", "[0.3, 0.1, 0.0]"), "population[0]"),
      ("confusion shape", variant("[[0.8, 0.2], [0.2, 0.8]]", "[[0.8, 0.2]]"), "confusion[1]"),
      (
        "one group",
        #"{"groups": ["a"], "classes": ["0", "1"], "population": [[0.5, 0.5]], "confusion": [[[1, 0], [0, 1]]]}"#,
        "groups"
      ),
      (
        "one class",
        #"{"groups": ["a", "b"], "classes": ["0"], "population": [[0.5], [0.5]], "confusion": [[[1]], [[1]]]}"#,
        "classes"
      ),
      ("duplicate group", variant(#"["a", "b"]"#, #"["a", "a"]"#), "groups[1]"),
      ("duplicate class", variant(#"["0", "1"]"#, #"["1", "1"]"#), "classes[1]"),
      ("empty name", variant(#"["a", "b"]"#, #"["a", ""]"#), "groups[1]"),
      ("unknown field", variant(#""groups""#, #""populaton": 1, "groups""#), "populaton"),
      (
        "empty group", variant("[0.35, 0.25]", "[0, 0]").replacingOccurrences(of: "[0.3, 0.1]", with: "[0.6, 0.4]"),
        "population[1]"
      ),
      ("malformed JSON", "{\"groups\": [", "input"),
      ("top level is not an object", "[1, 2]", "input"),
      ("string instead of number", variant("[0.3, 0.1]", #"["0.3", 0.1]"#), "population[0][0]"),
      ("boolean instead of number", variant("[0.3, 0.1]", "[true, 0.1]"), "population[0][0]"),
      (
        "missing confusion",
        #"{"groups": ["a", "b"], "classes": ["0", "1"], "population": [[0.3, 0.1], [0.35, 0.25]]}"#, "confusion"
      ),
      (
        "counts and population",
        variant(#""population""#, #""counts": [[[1, 0], [0, 1]], [[1, 0], [0, 1]]], "population""#), "counts"
      ),
      (
        "negative count",
        #"{"groups": ["a", "b"], "classes": ["0", "1"], "counts": [[[1, -1], [0, 1]], [[1, 0], [0, 1]]]}"#,
        "counts[0][0][1]"
      ),
      (
        "non-integer count",
        #"{"groups": ["a", "b"], "classes": ["0", "1"], "counts": [[[1, 0], [0, 1.5]], [[1, 0], [0, 1]]]}"#,
        "counts[0][1][1]"
      ),
      ("counts shape", #"{"groups": ["a", "b"], "classes": ["0", "1"], "counts": [[[1, 0], [0, 1]]]}"#, "counts"),
      (
        "cap above population", variant(#""confusion""#, #""cap": [[0.3, 0.2], [0.35, 0.25]], "confusion""#),
        "cap[0][1]"
      ),
      (
        "unmemorized_prediction row",
        variant(#""confusion""#, #""unmemorized_prediction": [[0.5, 0.5], [0.5, 0.6]], "confusion""#),
        "unmemorized_prediction[1]"
      ),
    ])
  func badInput(description: String, json: String, field: String) {
    let error = Self.error(json)
    #expect(error?.field == field, "\(description): got \(String(describing: error))")
    #expect(error.map { !$0.problem.isEmpty } ?? false)
  }

  @Test("1e999 overflows: rejected, never accepted as infinity")
  func hugeNumber() {
    let error = Self.error(variant("[0.3, 0.1]", "[1e999, 0.1]"))
    // Foundation's parser either rejects the literal (malformed) or reads +inf, which the
    // decoder rejects as not finite; both name a field, and the value is never accepted.
    #expect(error?.field == "input" || error?.field == "population[0][0]", "\(String(describing: error))")
  }

  @Test("NaN and infinity through the object API name the field")
  func nonFinite() {
    for bad in [Double.nan, .infinity, -.infinity] {
      let object: [String: Any] = [
        "groups": ["a", "b"], "classes": ["0", "1"], "population": [[bad, 0.1], [0.35, 0.25]],
        "confusion": [[[0.9, 0.1], [0.4, 0.6]], [[0.8, 0.2], [0.2, 0.8]]],
      ]
      let error = Self.error(object: object)
      #expect(
        error?.field == "population[0][0]" && error?.problem.contains("finite") == true,
        "\(bad): \(String(describing: error))")
    }
  }

  @Test("normalize: rows and population rescaled, with notes")
  func normalize() throws {
    let json = variant("[0.4, 0.6]", "[0.2, 0.3]").replacingOccurrences(of: "[0.35, 0.25]", with: "[0.7, 0.5]")
    #expect(Self.error(json) != nil)
    let stats = try StatisticsDecoder(normalize: true).decode(Data(json.utf8))
    #expect(stats.notes.count == 2, "\(stats.notes)")
    #expect(abs(stats.confusion[0][1][0] - 0.4) < 1e-15 && abs(stats.confusion[0][1][1] - 0.6) < 1e-15)
    #expect(abs(stats.population.joined().reduce(0, +) - 1) < 1e-15)
    // The population summed to 0.3 + 0.1 + 0.7 + 0.5 = 1.6.
    #expect(abs(stats.population[1][0] - 0.7 / 1.6) < 1e-15)
    // An all-zero row cannot be normalized.
    #expect(Self.error(variant("[0.4, 0.6]", "[0, 0]"), normalize: true)?.field == "confusion[0][1]")
  }

  @Test("integers 0 and 1 are numbers, not booleans")
  func zeroAndOneIntegers() throws {
    let json =
      #"{"groups": ["a", "b"], "classes": ["0", "1"], "population": [[0.5, 0], [0.25, 0.25]], "confusion": [[[1, 0], [0, 1]], [[1, 0], [0, 1]]]}"#
    let stats = try StatisticsDecoder().decode(Data(json.utf8))
    #expect(stats.confusion[0][0] == [1, 0])
    let counts = #"{"groups": ["a", "b"], "classes": ["0", "1"], "counts": [[[1, 0], [0, 1]], [[1, 1], [0, 1]]]}"#
    let fromCounts = try StatisticsDecoder().decode(Data(counts.utf8))
    #expect(fromCounts.counts == [[[1, 0], [0, 1]], [[1, 1], [0, 1]]])
  }

  @Test("zero-mass cell: a note, not an error; EOpp/EOdds exclude the cell; the LP still works")
  func zeroMassCell() throws {
    let json = #"""
      {"groups": ["a", "b", "c"], "classes": ["0", "1", "2"],
       "population": [[0.2, 0.1, 0.0], [0.2, 0.1, 0.1], [0.1, 0.1, 0.1]],
       "confusion": [[[0.9, 0.1, 0], [0.3, 0.6, 0.1], [0, 0, 0]],
                     [[0.7, 0.2, 0.1], [0.2, 0.8, 0], [0.1, 0.1, 0.8]],
                     [[0.8, 0.1, 0.1], [0.1, 0.7, 0.2], [0.2, 0.2, 0.6]]]}
      """#
    let stats = try StatisticsDecoder().decode(Data(json.utf8))
    #expect(stats.notes.count == 1 && stats.notes[0].contains("zero mass"), "\(stats.notes)")
    #expect(stats.cellIsEmpty(0, 2) && stats.confusion[0][2] == [0, 0, 1])
    let eopp = stats.allEntries(for: .equalOpportunity, options: MetricOptions())
    // Class 2 compares only b and c; classes 0 and 1 all three pairs.
    #expect(eopp.count == 3 + 3 + 1)
    #expect(!eopp.contains { $0.rate.trueClass == 2 && ($0.first == 0 || $0.second == 0) })
    #expect(stats.allEntries(for: .equalizedOdds, options: MetricOptions()).count == 3 * 3 + 3 * 3 + 3)
    #expect(stats.biasReport(memorized: stats.noMemorization).cellRates[0][2] == nil)
    for metric in FairnessMetric.gapVectors {
      let answer = try MemorizationAnalysis.analyze(stats, metric: metric, options: MetricOptions())
      let found = problems(with: answer, statistics: stats, metric: metric, options: MetricOptions())
      #expect(found.isEmpty, "\(metric): \(found)")
      #expect(answer.notes == stats.notes || answer.notes.starts(with: stats.notes))
    }
    // The same through counts (a cell with no records).
    let counts = #"{"groups": ["a", "b"], "classes": ["0", "1"], "counts": [[[3, 1], [0, 0]], [[2, 2], [1, 3]]]}"#
    let fromCounts = try StatisticsDecoder().decode(Data(counts.utf8))
    #expect(fromCounts.notes.count == 1 && fromCounts.cellIsEmpty(0, 1))
  }

  @Test("exact decoding needs counts; counts give exact fractions")
  func exactDecoding() throws {
    let object = try StatisticsDecoder().object(from: Data(Self.good.utf8))
    #expect(Self.error(object: object, exact: true)?.field == "counts")
    let counts = try StatisticsDecoder().object(
      from: Data(#"{"groups": ["a", "b"], "classes": ["0", "1"], "counts": [[[3, 1], [1, 2]], [[2, 2], [1, 3]]]}"#.utf8)
    )
    let exact = try StatisticsDecoder().decodeExact(object: counts)
    #expect(exact.population[0][0] == Rational(4, 15))
    #expect(exact.confusion[0][1] == [Rational(1, 3), Rational(2, 3)])
    #expect(exact.groupMass(1) == Rational(8, 15))
  }
}

/// `DecoderTests.good` with one substring replaced.
func variant(_ old: String, _ new: String) -> String {
  precondition(DecoderTests.good.contains(old), "fixture does not contain \(old)")
  return DecoderTests.good.replacingOccurrences(of: old, with: new)
}
