using Microsoft.Extensions.AI;

namespace Microsoft.ML.Attention;

/// <summary>
/// Ranks candidate texts for a query, best first, keeping the top k: with a bi-encoder (any Microsoft.Extensions.AI
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, such as <see cref="TransformerEmbeddingGenerator"/>; cosine similarity of
/// the embeddings) or with a cross-encoder (a function that scores (query, candidate) pairs, such as a pair regressor or
/// classifier). Retrieve-then-rerank is the first over a corpus, then the second over its top k.
/// </summary>
/// <remarks>
/// Ties are broken deterministically: equal scores rank in candidate-list order (the lower index first). A NaN score ranks after
/// every number. Cosine similarity against a zero vector is 0.
/// </remarks>
public static class CandidateRanker
{
    /// <summary>Ranks <paramref name="candidates"/> for <paramref name="query"/> by the cosine similarity of their embeddings.</summary>
    /// <param name="generator">The bi-encoder; the query and the candidates are embedded in one call.</param>
    /// <param name="query">The query text.</param>
    /// <param name="candidates">The candidate texts.</param>
    /// <param name="topK">How many to return; at most the number of candidates are. Default 10.</param>
    /// <param name="cancellationToken">Cancels the embedding call.</param>
    /// <returns>At most <paramref name="topK"/> candidates, best first.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> is not positive.</exception>
    public static async Task<IReadOnlyList<RankedCandidate>> RankAsync(IEmbeddingGenerator<string, Embedding<float>> generator, string query,
        IReadOnlyList<string> candidates, int topK = 10, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(candidates);
        RequireTopK(topK);
        var embeddings = await generator.GenerateAsync([query, .. candidates], cancellationToken: cancellationToken).ConfigureAwait(false);
        return Rank(embeddings[0].Vector, [.. embeddings.Skip(1).Select(e => e.Vector)], topK);
    }

    /// <summary>Ranks candidate embeddings for a query embedding by cosine similarity (the embeddings of a corpus computed once).</summary>
    /// <param name="query">The query's embedding.</param>
    /// <param name="candidates">The candidates' embeddings, each as long as <paramref name="query"/>.</param>
    /// <param name="topK">How many to return. Default 10.</param>
    /// <returns>At most <paramref name="topK"/> candidates, best first.</returns>
    /// <exception cref="ArgumentException">An embedding's length differs from the query's (the message names the candidate).</exception>
    public static IReadOnlyList<RankedCandidate> Rank(ReadOnlyMemory<float> query, IReadOnlyList<ReadOnlyMemory<float>> candidates, int topK = 10)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        RequireTopK(topK);
        var q = query.Span;
        double queryNorm = Norm(q);
        var scores = new float[candidates.Count];
        for (int i = 0; i < candidates.Count; i++)
        {
            var c = candidates[i].Span;
            if (c.Length != q.Length)
                throw new ArgumentException($"Candidate {i}'s embedding has {c.Length} values; the query's has {q.Length}.", nameof(candidates));
            double dot = 0;
            for (int d = 0; d < q.Length; d++)
                dot += (double)q[d] * c[d];
            double norms = queryNorm * Norm(c);
            scores[i] = norms == 0 ? 0 : (float)(dot / norms);
        }
        return Top(scores, topK);
    }

    /// <summary>Ranks <paramref name="candidates"/> for <paramref name="query"/> with a cross-encoder.</summary>
    /// <param name="scorePairs">Scores a batch of (query, candidate) pairs, one score per pair in order (higher = more relevant).</param>
    /// <param name="query">The query text.</param>
    /// <param name="candidates">The candidate texts; all are scored in one call.</param>
    /// <param name="topK">How many to return. Default 10.</param>
    /// <returns>At most <paramref name="topK"/> candidates, best first.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="scorePairs"/> returned another number of scores than it was given pairs.</exception>
    public static IReadOnlyList<RankedCandidate> Rank(Func<IReadOnlyList<(string Query, string Candidate)>, IReadOnlyList<float>> scorePairs, string query,
        IReadOnlyList<string> candidates, int topK = 10)
    {
        ArgumentNullException.ThrowIfNull(scorePairs);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(candidates);
        RequireTopK(topK);
        var scores = scorePairs([.. candidates.Select(c => (query, c))]);
        if (scores is null || scores.Count != candidates.Count)
            throw new InvalidOperationException($"The scoring function returned {scores?.Count ?? 0} scores for {candidates.Count} pairs; it must return one per pair.");
        return Top([.. scores], topK);
    }

    /// <summary>
    /// Reranks what a first stage retrieved from <paramref name="corpus"/> with a cross-encoder: the second step of retrieve-then-rerank.
    /// The retrieved candidates are scored in one call, in their retrieved order (so ties keep the first stage's order).
    /// </summary>
    /// <param name="scorePairs">Scores a batch of (query, candidate) pairs, one score per pair in order (higher = more relevant), e.g. <see cref="TransformerPairScorer.Score(IReadOnlyList{ValueTuple{string, string}})"/>.</param>
    /// <param name="query">The query text.</param>
    /// <param name="corpus">The texts the first stage ranked; <see cref="RankedCandidate.Index"/> of <paramref name="retrieved"/> points into it.</param>
    /// <param name="retrieved">The first stage's ranking (e.g. <see cref="Rank(ReadOnlyMemory{float}, IReadOnlyList{ReadOnlyMemory{float}}, int)"/> of the corpus embeddings).</param>
    /// <param name="topK">How many to return; at most the retrieved count are. Default 10.</param>
    /// <returns>At most <paramref name="topK"/> candidates, best first, with their index in <paramref name="corpus"/> and the cross-encoder's score.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A retrieved index is outside <paramref name="corpus"/> (the message names it), or <paramref name="topK"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="retrieved"/> lists a corpus index twice.</exception>
    public static IReadOnlyList<RankedCandidate> Rerank(Func<IReadOnlyList<(string Query, string Candidate)>, IReadOnlyList<float>> scorePairs, string query,
        IReadOnlyList<string> corpus, IReadOnlyList<RankedCandidate> retrieved, int topK = 10)
    {
        ArgumentNullException.ThrowIfNull(scorePairs);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(retrieved);
        RequireTopK(topK);
        var seen = new HashSet<int>();
        foreach (var candidate in retrieved)
        {
            if (candidate.Index < 0 || candidate.Index >= corpus.Count)
                throw new ArgumentOutOfRangeException(nameof(retrieved), candidate.Index, $"A retrieved candidate has index {candidate.Index}; the corpus has {corpus.Count} texts.");
            if (!seen.Add(candidate.Index))
                throw new ArgumentException($"The retrieved candidates list corpus index {candidate.Index} twice; each must appear once.", nameof(retrieved));
        }
        var reranked = Rank(scorePairs, query, [.. retrieved.Select(r => corpus[r.Index])], topK);
        return [.. reranked.Select(r => new RankedCandidate(retrieved[r.Index].Index, r.Score))];
    }

    /// <summary>The top k of <paramref name="scores"/>: by score, descending (NaN last), then by index.</summary>
    internal static IReadOnlyList<RankedCandidate> Top(float[] scores, int topK) =>
        [.. Enumerable.Range(0, scores.Length)
            .OrderByDescending(i => float.IsNaN(scores[i]) ? float.NegativeInfinity : scores[i])
            .ThenBy(i => float.IsNaN(scores[i]) ? 1 : 0)
            .ThenBy(i => i)
            .Take(topK)
            .Select(i => new RankedCandidate(i, scores[i]))];

    private static double Norm(ReadOnlySpan<float> vector)
    {
        double sum = 0;
        foreach (float v in vector)
            sum += (double)v * v;
        return Math.Sqrt(sum);
    }

    private static void RequireTopK(int topK)
    {
        if (topK <= 0)
            throw new ArgumentOutOfRangeException(nameof(topK), topK, $"topK must be positive; got {topK}.");
    }
}
