namespace Microsoft.ML.Attention;

/// <summary>The quality of a set of predicted per-word tags, as computed by <see cref="TokenClassificationEvaluator"/>.</summary>
/// <param name="TokenAccuracy">The fraction (0–1) of words whose predicted tag equals the gold tag exactly (O included); NaN without words.</param>
/// <param name="Entities">Micro-averaged entity precision, recall and F1 over all types; null under <see cref="TagScheme.None"/>.</param>
/// <param name="EntitiesByType">The same per entity type (every type found in the gold or the predicted tags), ordered by type; empty under <see cref="TagScheme.None"/>.</param>
/// <param name="SentenceCount">Sentences evaluated.</param>
/// <param name="TokenCount">Words evaluated.</param>
public sealed record TokenClassificationMetrics(double TokenAccuracy, EntityMetrics? Entities, IReadOnlyDictionary<string, EntityMetrics> EntitiesByType,
    int SentenceCount, int TokenCount);
