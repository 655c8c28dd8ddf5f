namespace Microsoft.ML.Attention;

/// <summary>
/// What <see cref="InformationRetrievalEvaluator"/> measures, each a mean over the evaluated queries and keyed by the cutoff k
/// (sentence-transformers' <c>InformationRetrievalEvaluator</c> definitions, binary relevance).
/// </summary>
/// <param name="QueryCount">Queries evaluated: those with at least one relevant document.</param>
/// <param name="Accuracy">accuracy@k: 1 when a relevant document is in the top k, else 0.</param>
/// <param name="Recall">recall@k: the relevant documents in the top k, divided by the query's relevant documents.</param>
/// <param name="Mrr">MRR@k: 1 / rank of the first relevant document when it is in the top k, else 0.</param>
/// <param name="Ndcg">nDCG@k: sum over the top k of rel_i / log2(i + 1) (i = 1 for the first), divided by that of the ideal ranking (min(k, relevant) ones first).</param>
public sealed record InformationRetrievalMetrics(
    int QueryCount,
    IReadOnlyDictionary<int, double> Accuracy,
    IReadOnlyDictionary<int, double> Recall,
    IReadOnlyDictionary<int, double> Mrr,
    IReadOnlyDictionary<int, double> Ndcg);
