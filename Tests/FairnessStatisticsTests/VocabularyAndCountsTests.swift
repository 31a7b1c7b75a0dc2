import FairMemJSON
import FairnessStatistics
import Testing

/// The one metric vocabulary, and the typed path from counts to statistics.
@Suite struct VocabularyTests {
  @Test func everySpellingNamesExactlyOneMetric() {
    var seen: [String: FairnessMetric] = [:]
    for metric in FairnessMetric.allCases {
      for spelling in [metric.rawValue] + metric.aliases {
        #expect(seen[spelling] == nil, "\(spelling) names both \(seen[spelling].map { "\($0)" } ?? "") and \(metric)")
        seen[spelling] = metric
        #expect(FairnessMetric(spelling: spelling) == metric)
        #expect(FairnessMetric(spelling: spelling.uppercased().replacingDashes()) == metric)
      }
    }
    #expect(FairnessMetric(spelling: "nope") == nil)
  }

  @Test func oldSpellingsKeepTheirMeaning() {
    // analyze/bounds/... (theory) and reweight/compare (seed 001) spellings before the vocabulary.
    #expect(FairnessMetric(spelling: "sp") == .statisticalParity)
    #expect(FairnessMetric(spelling: "eopp") == .equalOpportunity)
    #expect(FairnessMetric(spelling: "eodds") == .equalizedOdds)
    #expect(FairnessMetric(spelling: "dp") == .demographicParityDifference)
    #expect(FairnessMetric(spelling: "eo") == .equalizedOddsGapSum)
    #expect(FairnessMetric(spelling: "deo") == .equalOpportunityDifference)
    #expect(FairnessMetric(spelling: "eod") == .equalOpportunityDifference)
    #expect(FairnessMetric(spelling: "aod") == .averageOddsDifference)
    #expect(FairnessMetric(spelling: "ad") == .accuracyDifference)
    let vectors = FairnessMetric.gapVectors.filter(\.isGapVector)
    #expect(vectors == [.statisticalParity, .equalOpportunity, .equalizedOdds])
    #expect(FairnessMetric.scalarSummaries.filter(\.isGapVector).isEmpty)
    #expect(FairnessMetric.gapVectors.count + FairnessMetric.scalarSummaries.count == FairnessMetric.allCases.count)
  }
}

extension String {
  fileprivate func replacingDashes() -> String { String(map { $0 == "-" ? "_" : $0 }) }
}

@Suite struct CountsConstructorTests {
  /// The typed constructor and the JSON decoder (the input format) give identical statistics.
  @Test func typedConstructorMatchesTheDecoder() throws {
    let n = [[[50, 10, 0], [20, 20, 3], [0, 0, 0]], [[70, 10, 1], [5, 35, 2], [4, 4, 9]]]
    let counts = PredictionCounts(groups: ["a", "b"], classes: ["0", "1", "2"], counts: n)
    let typed = try PopulationStatistics<Double>(counts: counts)
    let decoded = try StatisticsDecoder().decode(object: [
      "groups": ["a", "b"], "classes": ["0", "1", "2"], "counts": n,
    ])
    #expect(typed.population == decoded.population)
    #expect(typed.confusion == decoded.confusion)
    #expect(typed.notes == decoded.notes)
    #expect(typed.notes.count == 1)
    #expect(typed.counts == n)
    let exact = try PopulationStatistics<Rational>(counts: counts)
    #expect(exact.population[1][2] == Rational(17, 243))
    #expect(exact.confusion[0][1][2] == Rational(3, 43))
  }

  @Test func emptyGroupsAndZeroCountsAreBadInput() {
    let empty = PredictionCounts(
      groups: ["a", "b"], classes: ["0", "1"], counts: [[[1, 2], [3, 4]], [[0, 0], [0, 0]]])
    #expect(throws: StatisticsError(field: "population[1]", problem: "group 'b' is empty (P(A=b) = 0); remove it")) {
      _ = try PopulationStatistics<Double>(counts: empty)
    }
    let zero = PredictionCounts(
      groups: ["a", "b"], classes: ["0", "1"], counts: [[[0, 0], [0, 0]], [[0, 0], [0, 0]]])
    #expect(throws: StatisticsError(field: "counts", problem: "all counts are zero")) {
      _ = try PopulationStatistics<Double>(counts: zero)
    }
    #expect(StatisticsError(field: "x", problem: "y").failureKind == .badInput)
  }
}
