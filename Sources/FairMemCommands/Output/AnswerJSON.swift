import Foundation
import MemorizationTheory

/// The stable JSON schema of `feasible --json`, `bounds --json` and each `sweep` line
/// (documented in `Docs/output-format.md`). Keys are snake_case and printed sorted.
enum AnswerJSON {
  static func value(_ x: Double?) -> Any { x.map { $0 as Any } ?? NSNull() }
  static func matrix(_ x: [[Double]]?) -> Any { x.map { $0 as Any } ?? NSNull() }
  static func fraction(_ x: Rational?) -> Any { x.map { $0.description as Any } ?? NSNull() }

  static func object(_ answer: MemorizationAnswer) -> [String: Any] {
    var result: [String: Any] = [
      "metric": answer.metric.rawValue,
      "convention": answer.metric == .statisticalParity ? answer.convention.rawValue : "cell",
      "tolerance": answer.options.tolerance,
      "favorable": answer.options.favorableClass.map { answer.classes[$0] as Any } ?? NSNull(),
      "feasible": answer.feasible,
      "min_mass": value(answer.minMass),
      "max_mass": value(answer.maxMass),
      "witness": matrix(answer.witness),
      "max_witness": matrix(answer.maxWitness),
      "residual": value(answer.residual),
      "witness_verified": answer.witnessVerified.map { $0 as Any } ?? NSNull(),
      "groups": answer.groups,
      "classes": answer.classes,
      "constrained_entries": answer.constrainedEntries,
      "notes": answer.notes,
    ]
    if let c = answer.certificate {
      result["certificate"] = [
        "type": "farkas",
        "rows": c.rowLabels,
        "multipliers": c.multipliers,
        "gap": c.gap,
        "verified": c.verified,
        "exact_gap": fraction(c.exactGap),
      ] as [String: Any]
    } else {
      result["certificate"] = NSNull()
    }
    let closed = answer.closedForm
    result["closed_form"] = [
      "rules": closed.rules,
      "lower_bound": value(closed.lowerBound),
      "upper_bound": value(closed.upperBound),
      "exact_min": value(closed.exactMinimum),
      "exact_max": value(closed.exactMaximum),
      "proves_infeasible": closed.provesInfeasible,
      "agrees_with_lp": answer.closedFormAgrees,
      "assumptions": closed.assumptions,
    ] as [String: Any]
    if let exact = answer.exact {
      result["exact"] = [
        "min_mass": fraction(exact.minMass),
        "witness": exact.witness.map { $0.map { $0.map(\.description) } as Any } ?? NSNull(),
        "records": fraction(exact.records),
        "closed_form_min": fraction(exact.closedFormMinimum),
        "verified": exact.verified,
        "note": exact.note,
      ] as [String: Any]
    } else {
      result["exact"] = NSNull()
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
        ["budget": $0.budget, "bias": $0.bias, "mass": $0.mass, "residual": $0.residual, "witness": $0.witness] as [String: Any]
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
      "largest_gap": Dictionary(uniqueKeysWithValues: FairnessMetric.allCases.map { ($0.rawValue, report.largestGap($0).doubleValue) }),
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

  /// Serializes with sorted keys (stable output). Non-finite numbers cannot occur: every
  /// reported value is finite by construction; if one were not, serialization throws and the
  /// command fails loudly rather than printing a wrong number.
  static func text(_ object: Any, pretty: Bool = true) throws -> String {
    var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
    if pretty { options.insert(.prettyPrinted) }
    let data = try JSONSerialization.data(withJSONObject: object, options: options)
    return String(decoding: data, as: UTF8.self)
  }
}
