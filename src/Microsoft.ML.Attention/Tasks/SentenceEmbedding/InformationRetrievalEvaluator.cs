using Microsoft.Extensions.AI;

namespace Microsoft.ML.Attention;

/// <summary>
/// Retrieval quality of a bi-encoder (or of any ranking) on queries, a corpus and relevance judgments, as sentence-transformers'
/// <c>InformationRetrievalEvaluator</c>: accuracy@k, recall@k, MRR@k and nDCG@k (see <see cref="InformationRetrievalMetrics"/>).
/// A query may have several relevant documents; a query with none is not evaluated (as in sentence-transformers).
/// </summary>
/// <remarks>
/// Ties are broken deterministically: documents with equal scores rank in the order in which the corpus was given (see
/// <see cref="CandidateRanker"/>). sentence-transformers leaves their order to <c>torch.topk</c>.
/// </remarks>
/// <example>
/// <code>
/// var evaluator = new InformationRetrievalEvaluator(queries, corpus, relevant);        // ids → texts, query id → relevant corpus ids
/// using var generator = mlContext.Transforms.ImportEncoder("model.onnx", "vocab.txt").AsEmbeddingGenerator(ownsTransformer: true);
/// var metrics = await evaluator.EvaluateAsync(generator);
/// Console.WriteLine($"recall@1 {metrics.Recall[1]:P1}, MRR@10 {metrics.Mrr[10]:F3}");
/// </code>
/// </example>
public sealed class InformationRetrievalEvaluator
{
    private readonly List<KeyValuePair<string, string>> _queries;
    private readonly List<KeyValuePair<string, string>> _corpus;
    private readonly Dictionary<string, HashSet<string>> _relevant;

    /// <summary>Checks and keeps the data.</summary>
    /// <param name="queries">Query id → text; ids unique.</param>
    /// <param name="corpus">Corpus id → text; ids unique. Its order breaks ties.</param>
    /// <param name="relevantDocuments">Query id → the corpus ids relevant to it; each must be in <paramref name="corpus"/>.</param>
    /// <param name="cutoffs">The k of every metric; each positive. Default: 1, 3, 5, 10.</param>
    /// <exception cref="ArgumentException">An id repeats, a relevant id is not in the corpus, a cutoff is not positive, or no query has a relevant document.</exception>
    public InformationRetrievalEvaluator(IEnumerable<KeyValuePair<string, string>> queries, IEnumerable<KeyValuePair<string, string>> corpus,
        IReadOnlyDictionary<string, IReadOnlyCollection<string>> relevantDocuments, IReadOnlyList<int>? cutoffs = null)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(relevantDocuments);
        _queries = [.. queries];
        _corpus = [.. corpus];
        RequireUnique(_queries, nameof(queries));
        RequireUnique(_corpus, nameof(corpus));
        var corpusIds = _corpus.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        _relevant = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (queryId, documents) in relevantDocuments)
        {
            foreach (string document in documents)
            {
                if (!corpusIds.Contains(document))
                    throw new ArgumentException($"Query '{queryId}' lists relevant document '{document}', which is not in the corpus.", nameof(relevantDocuments));
            }
            _relevant[queryId] = documents.ToHashSet(StringComparer.Ordinal);
        }

        Cutoffs = [.. (cutoffs ?? [1, 3, 5, 10]).Distinct().Order()];
        if (Cutoffs.Count == 0 || Cutoffs[0] <= 0)
            throw new ArgumentException($"cutoffs must be positive and at least one; got [{string.Join(", ", cutoffs ?? [])}].", nameof(cutoffs));
        if (!_queries.Any(q => _relevant.TryGetValue(q.Key, out var r) && r.Count > 0))
            throw new ArgumentException("No query has a relevant document; there is nothing to evaluate.", nameof(relevantDocuments));
    }

    /// <summary>The cutoffs k, ascending.</summary>
    public IReadOnlyList<int> Cutoffs { get; }

    /// <summary>Embeds the queries and the corpus with <paramref name="generator"/>, ranks the corpus for each query by cosine similarity, and measures.</summary>
    /// <param name="generator">The bi-encoder.</param>
    /// <param name="cancellationToken">Cancels the embedding calls.</param>
    public async Task<InformationRetrievalMetrics> EvaluateAsync(IEmbeddingGenerator<string, Embedding<float>> generator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var evaluated = EvaluatedQueries();
        var queryVectors = await generator.GenerateAsync(evaluated.Select(q => q.Value), cancellationToken: cancellationToken).ConfigureAwait(false);
        var corpusVectors = await generator.GenerateAsync(_corpus.Select(c => c.Value), cancellationToken: cancellationToken).ConfigureAwait(false);
        var documents = corpusVectors.Select(e => e.Vector).ToList();
        var rankings = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        for (int q = 0; q < evaluated.Count; q++)
            rankings[evaluated[q].Key] = [.. CandidateRanker.Rank(queryVectors[q].Vector, documents, Cutoffs[^1]).Select(r => _corpus[r.Index].Key)];
        return EvaluateRankings(rankings);
    }

    /// <summary>Measures given rankings (from a cross-encoder, a baseline, or another library).</summary>
    /// <param name="rankings">Query id → corpus ids, best first; at least the top max(k), or the whole corpus when it is smaller.</param>
    /// <exception cref="ArgumentException">A query with a relevant document has no ranking, or a ranking lists a document twice.</exception>
    public InformationRetrievalMetrics EvaluateRankings(IReadOnlyDictionary<string, IReadOnlyList<string>> rankings)
    {
        ArgumentNullException.ThrowIfNull(rankings);
        var evaluated = EvaluatedQueries();
        var accuracy = Cutoffs.ToDictionary(k => k, _ => 0.0);
        var recall = Cutoffs.ToDictionary(k => k, _ => 0.0);
        var mrr = Cutoffs.ToDictionary(k => k, _ => 0.0);
        var ndcg = Cutoffs.ToDictionary(k => k, _ => 0.0);
        foreach (var (queryId, _) in evaluated)
        {
            if (!rankings.TryGetValue(queryId, out var ranking) || ranking is null)
                throw new ArgumentException($"Query '{queryId}' has relevant documents but no ranking.", nameof(rankings));
            if (ranking.Distinct(StringComparer.Ordinal).Count() != ranking.Count)
                throw new ArgumentException($"The ranking of query '{queryId}' lists a document more than once.", nameof(rankings));
            var relevant = _relevant[queryId];
            bool[] hits = [.. ranking.Select(relevant.Contains)];
            foreach (int k in Cutoffs)
            {
                int top = Math.Min(k, hits.Length);
                int found = hits.Take(top).Count(h => h);
                int first = Array.IndexOf(hits, true, 0, top);
                accuracy[k] += found > 0 ? 1 : 0;
                recall[k] += (double)found / relevant.Count;
                mrr[k] += first >= 0 ? 1.0 / (first + 1) : 0;
                double dcg = Enumerable.Range(0, top).Where(i => hits[i]).Sum(i => 1 / Math.Log2(i + 2));
                double ideal = Enumerable.Range(0, Math.Min(k, relevant.Count)).Sum(i => 1 / Math.Log2(i + 2));
                ndcg[k] += dcg / ideal;
            }
        }

        int count = evaluated.Count;
        return new InformationRetrievalMetrics(count, Mean(accuracy, count), Mean(recall, count), Mean(mrr, count), Mean(ndcg, count));
    }

    private List<KeyValuePair<string, string>> EvaluatedQueries() =>
        [.. _queries.Where(q => _relevant.TryGetValue(q.Key, out var r) && r.Count > 0)];

    private static Dictionary<int, double> Mean(Dictionary<int, double> sums, int count) => sums.ToDictionary(p => p.Key, p => p.Value / count);

    private static void RequireUnique(List<KeyValuePair<string, string>> items, string name)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, _) in items)
        {
            if (id is null || !seen.Add(id))
                throw new ArgumentException($"{name} has the id '{id}' more than once (or a null id); ids must be unique.", name);
        }
    }
}
