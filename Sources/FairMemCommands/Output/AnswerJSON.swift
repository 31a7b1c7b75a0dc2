import FairMemJSON
import FairnessStatistics
import Foundation
import MemorizationTheory

/// The stable JSON schema of `feasible --json`, `bounds --json` and each `sweep` line
/// (documented in `Docs/output-format.md`). Keys are snake_case and printed sorted.
enum AnswerJSON {
  static func value(_ x: Double?) -> Any { x.map { $0 as Any } ?? NSNull() }
  static func matrix(_ x: [[Double]]?) -> Any { x.map { $0 as Any } ?? NSNull() }
  static func fraction(_ x: Rational?) -> Any { x.map { $0.description as Any } ?? NSNull() }

  /// The answer object, built directly as `JSONValue`s (this is `fairmem sweep`'s hot path).
  static func object(_ answer: MemorizationAnswer) -> [String: JSONValue] {
    func number(_ x: Double?) -> JSONValue { x.map { .number($0) } ?? .null }
    func strings(_ xs: [String]) -> JSONValue { .array(xs.map { .string($0) }) }
    func matrix(_ x: [[Double]]?) -> JSONValue { x.map { .array($0.map { .array($0.map { .number($0) }) }) } ?? .null }
    func fraction(_ x: Rational?) -> JSONValue { x.map { .string($0.description) } ?? .null }
    var result: [String: JSONValue] = [
      "metric": .string(answer.metric.rawValue),
      "convention": .string(answer.metric == .statisticalParity ? answer.convention.rawValue : "cell"),
      "tolerance": .number(answer.options.tolerance),
      "favorable": answer.options.favorableClass.map { .string(answer.classes[$0]) } ?? .null,
      "feasible": .bool(answer.feasible),
      "min_mass": number(answer.minMass),
      "max_mass": number(answer.maxMass),
      "witness": matrix(answer.witness),
      "max_witness": matrix(answer.maxWitness),
      "residual": number(answer.residual),
      "witness_verified": answer.witnessVerified.map { .bool($0) } ?? .null,
      "groups": strings(answer.groups),
      "classes": strings(answer.classes),
      "constrained_entries": strings(answer.constrainedEntries),
      "notes": strings(answer.notes),
      "certificate": .null,
      "exact": .null,
    ]
    if let c = answer.certificate {
      result["certificate"] = .object([
        "type": .string("farkas"),
        "rows": strings(c.rowLabels),
        "multipliers": .array(c.multipliers.map { .number($0) }),
        "gap": .number(c.gap),
        "verified": .bool(c.verified),
        "exact_gap": fraction(c.exactGap),
      ])
    }
    let closed = answer.closedForm
    result["closed_form"] = .object([
      "rules": strings(closed.rules),
      "lower_bound": number(closed.lowerBound),
      "upper_bound": number(closed.upperBound),
      "exact_min": number(closed.exactMinimum),
      "exact_max": number(closed.exactMaximum),
      "proves_infeasible": .bool(closed.provesInfeasible),
      "agrees_with_lp": .bool(answer.closedFormAgrees),
      "assumptions": strings(closed.assumptions),
    ])
    if let exact = answer.exact {
      result["exact"] = .object([
        "min_mass": fraction(exact.minMass),
        "witness": exact.witness.map { .array($0.map { .array($0.map { .string($0.description) }) }) } ?? .null,
        "records": fraction(exact.records),
        "closed_form_min": fraction(exact.closedFormMinimum),
        "verified": .bool(exact.verified),
        "note": .string(exact.note),
      ])
    }
    return result
  }

  static func object(_ answer: IntegerMemorizationAnswer, classes: [String]) -> [String: Any] {
    [
      "metric": answer.metric.rawValue,
      "tolerance": answer.options.tolerance,
      "feasible": answer.feasible,
      "records": answer.records.map { $0 as Any } ?? NSNull(),
      "total_records": answer.totalRecords.map { $0 as Any } ?? NSNull(),
      "population_size": answer.populationSize,
      "residual": value(answer.residual),
      "continuous_lower_bound": value(answer.continuousLowerBound),
    ]
  }

  static func object(_ points: [FrontierPoint], metric: FairnessMetric) -> [String: Any] {
    [
      "metric": metric.rawValue,
      "points": points.map {
        ["budget": $0.budget, "bias": $0.bias, "mass": $0.mass, "residual": $0.residual, "witness": $0.witness]
          as [String: Any]
      },
    ]
  }

  static func object<T>(_ report: BiasReport<T>) -> [String: Any] {
    let s = report.summary
    func d(_ x: T?) -> Any { x.map { $0.doubleValue as Any } ?? NSNull() }
    var entries: [String: Any] = [:]
    for (metric, list) in report.entries {
      entries[metric.rawValue] = list.map { ["entry": $0.label, "value": $0.value.doubleValue] as [String: Any] }
    }
    return [
      "groups": report.groups,
      "classes": report.classes,
      "memorized": report.memorized.map { $0.map(\.doubleValue) },
      "memorized_mass": report.memorizedMass.doubleValue,
      "group_rates": report.groupRates.map { $0.map(\.doubleValue) },
      "cell_rates": report.cellRates.map { $0.map { $0.map { $0.map(\.doubleValue) as Any } ?? NSNull() } },
      "gaps": entries,
      "largest_gap": Dictionary(
        uniqueKeysWithValues: FairnessMetric.gapVectors.map { ($0.rawValue, report.largestGap($0).doubleValue) }),
      "summary": [
        "favorable": report.classes[s.favorableClass],
        "selection_rates": s.selectionRates.map(\.doubleValue),
        "true_positive_rates": s.truePositiveRates.map(d),
        "false_positive_rates": s.falsePositiveRates.map(d),
        "accuracies": s.accuracies.map(\.doubleValue),
        "demographic_parity_difference": s.demographicParityDifference.doubleValue,
        "equalized_odds_difference": d(s.equalizedOddsDifference),
        "average_odds_difference": d(s.averageOddsDifference),
        "equal_opportunity_difference": d(s.equalOpportunityDifference),
        "accuracy_difference": s.accuracyDifference.doubleValue,
        "worst_group_accuracy": s.worstGroupAccuracy.doubleValue,
        "overall_accuracy": s.overallAccuracy.doubleValue,
      ] as [String: Any],
    ]
  }

  /// Serializes with sorted keys (stable output) by `JSONValue`'s writer. Non-finite numbers
  /// cannot occur: every reported value is finite by construction; if one were not, writing
  /// throws and the command fails loudly rather than printing a wrong number.
  static func text(_ object: Any, pretty: Bool = true) throws -> String {
    try JSONValue(object).text(pretty: pretty)
  }

  static func text(_ object: [String: JSONValue], pretty: Bool = true) throws -> String {
    try JSONValue.object(object).text(pretty: pretty)
  }
}
