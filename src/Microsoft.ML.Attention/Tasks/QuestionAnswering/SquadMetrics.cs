namespace Microsoft.ML.Attention;

/// <summary>SQuAD v1.1 quality of a set of predicted answers, as computed by <see cref="SquadEvaluator"/>.</summary>
/// <param name="ExactMatch">The percentage (0–100) of questions whose normalized prediction equals a normalized gold answer.</param>
/// <param name="F1">The mean, in percent (0–100), of each question's best token-overlap F1 over its gold answers.</param>
/// <param name="Count">The number of questions evaluated; with 0, <see cref="ExactMatch"/> and <see cref="F1"/> are NaN.</param>
public sealed record SquadMetrics(double ExactMatch, double F1, int Count);
