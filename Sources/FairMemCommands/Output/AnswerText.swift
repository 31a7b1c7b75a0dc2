import FairMemJSON
import FairnessStatistics
import Foundation
import MemorizationTheory

/// Human-readable renderings of theory answers.
enum AnswerText {
  private static func number(_ value: Double?) -> String { value.map { String(format: "%.6g", $0) } ?? "-" }

  /// The text form of a robust report (`fairmem robust`, and the robust part of `analyze`).
  static func robust(_ report: RobustReport) -> String {
    var lines = ["\(report.metric.title) (tolerance \(report.tolerance), level \(report.level))"]
    let point =
      report.pointEstimate.feasible
      ? "feasible, least mass \(number(report.pointEstimate.minMass))" : "infeasible"
    lines.append("  point estimate:        \(point)")
    if report.metric == .statisticalParity && report.convention == .givenUnmemorized {
      lines.append("  SP convention A:       the stated unmemorized_prediction is taken as known")
    }
    if report.countsFrom == .sampleSizes {
      lines.append("  records:               implied by the rates and sample_sizes")
    }
    if let box = report.box {
      lines.append("  robust verdict:        \(box.verdict.rawValue)")
      if let interval = box.minMassInterval {
        lines.append(
          "  least mass over region: [\(number(interval.lower)), \(interval.upper.map { number($0) } ?? "unbounded")]"
            + (interval.upperSource.map { " (upper: \($0))" } ?? ""))
      }
      if let certificate = box.certificate {
        lines.append("  certificate gap:       \(number(certificate.gap)) (verified: \(certificate.verified))")
      }
      if let witness = box.robustWitness, box.verdict == .certainlyFeasible {
        lines.append("  robust witness:        worst-case gap \(number(witness.worstCaseGap)), verified")
      }
      if let settling = box.settling {
        lines.append(
          "  settles at:            \(number(settling.scale))x the counts (\(settling.records) records): \(settling.verdict.rawValue)"
        )
      }
      lines.append(
        "  region:                \(box.region.intervalCount) Clopper-Pearson intervals at \(number(box.region.perIntervalLevel)) each (Bonferroni)"
      )
      lines += box.notes.map { "  note: \($0)" }
    }
    if let bayes = report.bayes {
      lines.append(
        "  posterior P(feasible): \(number(bayes.probabilityFeasible)) (\(bayes.draws) draws, seed \(bayes.seed))")
      let quantiles = bayes.minMassQuantiles.map {
        "q\(number($0.probability))=\($0.value.map { number($0) } ?? "inf")"
      }
      lines.append("  posterior least mass:  \(quantiles.joined(separator: ", "))")
    }
    return lines.joined(separator: "\n")
  }

  /// The whole `analyze` report.
  static func analysis(_ analysis: FullAnalysis, source: String, summary: [String]) -> String {
    let stats = analysis.statistics
    var text: [String] = []
    text.append("FairMem analysis of \(source)")
    text.append(
      "groups: \(stats.groups.joined(separator: ", "));  classes: \(stats.classes.joined(separator: ", "));  SP convention \(stats.convention.rawValue)"
    )
    for note in stats.notes { text.append("note: \(note)") }
    text.append("")
    text.append("== Base classifier (nothing memorized) ==")
    text.append(bias(analysis.base))
    for result in analysis.metrics {
      text.append("")
      text.append("== \(result.answer.metric.title.capitalized) ==")
      text.append(answer(result.answer))
      text.append(frontier(result.frontier, metric: result.answer.metric))
      if let integer = result.integer {
        let tolerance = Format.number(integer.options.tolerance)
        text.append(
          integer.feasible
            ? "Integer version (tolerance \(tolerance)): memorize \(integer.totalRecords ?? 0) of \(integer.populationSize) records, per cell \(integer.records ?? [])"
              + (integer.stoppedAtNodes.map {
                " (best found in \($0) branch-and-bound nodes, not proven least; the least is at least \(Int((integer.continuousLowerBound ?? 0).rounded(.up))))"
              } ?? "")
            : integer.stoppedAtNodes.map {
              "Integer version (tolerance \(tolerance)): undecided (no whole-record memorization found in \($0) branch-and-bound nodes)"
            } ?? "Integer version (tolerance \(tolerance)): infeasible with whole records")
      }
      switch result.robust {
      case .answered(let report)?:
        text.append("Robust to sampling error (fairmem robust, see Docs/robust.md):")
        text.append(robust(report))
      case .unavailable(let message)?: text.append("Robust to sampling error: not available (\(message))")
      case nil: break
      }
    }
    text.append("")
    text.append("== In plain words ==")
    text.append(contentsOf: summary)
    return text.joined(separator: "\n")
  }

  /// One plain-words sentence for an answer (also the `summary` of `analyze --json`).
  static func sentence(_ a: MemorizationAnswer) -> String {
    let name = a.metric.title
    if a.feasible, let m = a.minMass {
      return
        "To hide the \(name) bias by memorization, at least \(Format.percent(m)) of the population must be memorized (and up to \(Format.percent(a.maxMass)) can be)."
    }
    return "The \(name) bias cannot be hidden by memorization at all"
      + (a.certificate?.verified == true ? " (checked Farkas certificate)." : ".")
  }

  /// `label = constant + coef * x[group][class] ...` for one entry (`explain`).
  static func explanation<T>(_ e: EntryExplanation<T>, groups: [String], classes: [String]) -> String {
    var text = "\(e.label) = \(e.form.constant)"
    for term in e.form.terms {
      let c = term.coefficient
      text += (c < .zero ? " - " : " + ") + "\(c.magnitudeValue) * x[\(groups[term.group])][\(classes[term.trueClass])]"
    }
    return text
  }

  static func answer(_ a: MemorizationAnswer) -> String {
    var lines: [String] = []
    let target = a.options.tolerance > 0 ? "|bias| <= \(Format.number(a.options.tolerance))" : "zero bias"
    let favorable = a.options.favorableClass.map { " on class '\(a.classes[$0])'" } ?? ""
    let convention = a.metric == .statisticalParity ? " (convention \(a.convention.rawValue))" : ""
    lines.append(
      "\(a.metric.title.uppercased())\(favorable)\(convention): \(target) by memorization is \(a.feasible ? "POSSIBLE" : "IMPOSSIBLE")"
    )
    if a.feasible {
      lines.append(
        "  least memorized mass  \(Format.number(a.minMass))  (\(Format.percent(a.minMass)) of the population)")
      lines.append("  most memorized mass   \(Format.number(a.maxMass))")
      lines.append("  witness x[a][y]       \(Format.matrix(a.witness, groups: a.groups, classes: a.classes))")
      lines.append(
        "  check (R0 mixture)    largest |gap| at the witnesses = \(Format.number(a.residual)) -> \(a.witnessVerified == true ? "verified" : "NOT VERIFIED")"
      )
    } else if let c = a.certificate {
      lines.append(
        "  certificate (Farkas)  multipliers on the rows combine to an impossible inequality; gap L(y)-U(y) = \(Format.number(c.gap)) > 0 -> \(c.verified ? "verified" : "NOT VERIFIED")"
      )
      let used = zip(c.rowLabels, c.multipliers).filter { abs($0.1) > 1e-12 }
      lines.append("  rows used             " + used.map { "\($0.0) x \(Format.number($0.1))" }.joined(separator: ", "))
      if let g = c.exactGap { lines.append("  exact gap             \(g)") }
    } else {
      lines.append("  (no certificate requested)")
    }
    let cf = a.closedForm
    var closed: [String] = []
    if let v = cf.exactMinimum { closed.append("exact min \(Format.number(v))") }
    if let v = cf.exactMaximum { closed.append("exact max \(Format.number(v))") }
    if let v = cf.lowerBound, cf.exactMinimum == nil { closed.append("lower bound \(Format.number(v))") }
    if let v = cf.upperBound, cf.exactMaximum == nil { closed.append("upper bound \(Format.number(v))") }
    if cf.provesInfeasible { closed.append("proves infeasibility") }
    lines.append(
      "  closed form (\(cf.rules.joined(separator: ", ")))      \(closed.isEmpty ? "none applies" : closed.joined(separator: ", ")); \(a.closedFormAgrees ? "agrees with the LP" : "DISAGREES with the LP")"
    )
    if let e = a.exact {
      if e.verified, let m = e.minMass {
        lines.append("  exact least mass      \(m)" + (e.records.map { "  (= \($0) records)" } ?? "") + "  [certified]")
      } else {
        lines.append("  exact least mass      not certified: \(e.note)")
      }
    }
    return lines.joined(separator: "\n")
  }

  static func bias<T>(_ report: BiasReport<T>) -> String {
    var lines: [String] = []
    bias(report) { lines.append($0) }
    return lines.joined(separator: "\n")
  }

  /// The bias report line by line (`fairmem bias` writes each line as it is produced: the gap
  /// vectors have G(G-1)/2 entries per rate).
  static func bias<T>(_ report: BiasReport<T>, emit: (String) -> Void) {
    var rates = Table(["group"] + report.classes.map { "P(Yhat=\($0)|A)" })
    for (g, row) in zip(report.groups, report.groupRates) { rates.add([g] + row.map { Format.number($0.doubleValue) }) }
    emit("Group prediction rates (memorized mass \(Format.number(report.memorizedMass.doubleValue))):")
    rates.renderLines(emit)
    var cells = Table(["group", "true class"] + report.classes.map { "P(Yhat=\($0)|Y,A)" })
    for (a, g) in report.groups.enumerated() {
      for (y, c) in report.classes.enumerated() {
        cells.add(
          [g, c]
            + (report.cellRates[a][y]?.map { Format.number($0.doubleValue) } ?? report.classes.map { _ in "undefined" })
        )
      }
    }
    emit("Cell rates:")
    cells.renderLines(emit)
    var gaps = Table("metric", "entry", "gap")
    for metric in FairnessMetric.gapVectors {
      for e in report.entries[metric] ?? [] { gaps.add(metric.rawValue, e.label, Format.number(e.value.doubleValue)) }
    }
    emit("Gap vectors (rate of first group minus second):")
    gaps.renderLines(emit)
    let s = report.summary
    var summary = Table("summary (favorable class '\(report.classes[s.favorableClass])')", "value")
    for metric in FairnessMetric.gapVectors {
      summary.add("largest |\(metric.rawValue)| entry", Format.number(report.largestGap(metric).doubleValue))
    }
    summary.add("demographic_parity_difference", Format.number(s.demographicParityDifference.doubleValue))
    summary.add("equalized_odds_difference", Format.number(s.equalizedOddsDifference?.doubleValue))
    summary.add("average_odds_difference (first two groups)", Format.number(s.averageOddsDifference?.doubleValue))
    summary.add(
      "equal_opportunity_difference (first two groups)", Format.number(s.equalOpportunityDifference?.doubleValue))
    summary.add("accuracy_difference (first two groups)", Format.number(s.accuracyDifference.doubleValue))
    summary.add("worst-group accuracy", Format.number(s.worstGroupAccuracy.doubleValue))
    summary.add("overall accuracy", Format.number(s.overallAccuracy.doubleValue))
    summary.renderLines(emit)
  }

  static func frontier(_ points: [FrontierPoint], metric: FairnessMetric) -> String {
    var t = Table("budget (mass)", "least largest |\(metric.rawValue)| gap", "mass used", "R0 check")
    for p in points {
      t.add(Format.number(p.budget), Format.number(p.bias), Format.number(p.mass), Format.number(p.residual))
    }
    return "Mass-vs-bias frontier for \(metric.title):\n" + t.render()
  }
}
