namespace Microsoft.ML.Attention.Tests.Tasks.SentenceEmbedding;

/// <summary>CandidateRanker: top k by cosine (bi-encoder) or by a pair score (cross-encoder), ties in list order.</summary>
public sealed class CandidateRankerTests
{
    [Fact]
    public async Task A_bi_encoder_ranks_by_cosine_and_keeps_the_top_k()
    {
        var vectors = new Dictionary<string, float[]> { ["q"] = [1, 1], ["far"] = [-1, 0], ["near"] = [3, 2.9f], ["same"] = [2, 2], ["side"] = [1, 0] };
        using var generator = new FixedEmbeddingGenerator(vectors);
        var ranked = await CandidateRanker.RankAsync(generator, "q", ["far", "near", "same", "side"], topK: 3);
        Assert.Equal([2, 1, 3], ranked.Select(r => r.Index));
        Assert.Equal(1, ranked[0].Score, 6);
        Assert.Equal((float)(1 / Math.Sqrt(2)), ranked[2].Score, 6);
    }

    [Fact]
    public void A_cross_encoder_ranks_by_its_pair_scores_with_ties_in_list_order()
    {
        var calls = 0;
        IReadOnlyList<float> Score(IReadOnlyList<(string Query, string Candidate)> pairs)
        {
            calls++;
            return [.. pairs.Select(p => p.Candidate.Contains(p.Query, StringComparison.Ordinal) ? 1f : p.Candidate == "nan" ? float.NaN : 0f)];
        }

        var ranked = CandidateRanker.Rank(Score, "cat", ["nan", "dog", "cat food", "a cat", "bird"], topK: 10);
        Assert.Equal(1, calls);   // every pair in one call
        Assert.Equal([2, 3, 1, 4, 0], ranked.Select(r => r.Index));   // the ties keep list order; NaN last
    }

    [Fact]
    public void A_scoring_function_that_returns_too_few_scores_is_an_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CandidateRanker.Rank(_ => [1f], "q", ["a", "b"]));
        Assert.Contains("1 scores for 2 pairs", error.Message);
    }

    [Fact]
    public void Rerank_returns_corpus_indices_ordered_by_the_cross_encoder_with_ties_in_retrieved_order()
    {
        string[] corpus = ["a cat", "dog", "cat food", "bird", "the cat"];
        IReadOnlyList<(string Query, string Candidate)>? seen = null;
        IReadOnlyList<float> Score(IReadOnlyList<(string Query, string Candidate)> pairs)
        {
            seen = pairs;
            return [.. pairs.Select(p => p.Candidate.StartsWith(p.Query, StringComparison.Ordinal) ? 2f : p.Candidate.Contains(p.Query, StringComparison.Ordinal) ? 1f : 0f)];
        }

        // The first stage put "dog" first; "the cat" and "a cat" tie under the cross-encoder and keep the first stage's order.
        var reranked = CandidateRanker.Rerank(Score, "cat", corpus, [new(1, 0.9f), new(4, 0.8f), new(2, 0.7f), new(0, 0.6f)], topK: 3);

        Assert.Equal([("cat", "dog"), ("cat", "the cat"), ("cat", "cat food"), ("cat", "a cat")], seen);
        Assert.Equal([2, 4, 0], reranked.Select(r => r.Index));
        Assert.Equal([2f, 1f, 1f], reranked.Select(r => r.Score));
    }

    [Fact]
    public void Rerank_names_a_retrieved_index_outside_the_corpus_and_a_repeated_one()
    {
        var outside = Assert.Throws<ArgumentOutOfRangeException>(() => CandidateRanker.Rerank(_ => [1f], "q", ["a", "b"], [new(2, 1f)]));
        Assert.Contains("index 2; the corpus has 2 texts", outside.Message);
        Assert.Equal("retrieved", outside.ParamName);
        var repeated = Assert.Throws<ArgumentException>(() => CandidateRanker.Rerank(_ => [1f, 1f], "q", ["a", "b"], [new(1, 1f), new(1, 0.5f)]));
        Assert.Contains("corpus index 1 twice", repeated.Message);
    }

    [Fact]
    public void Top_k_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CandidateRanker.Rank(_ => [1f], "q", ["a"], topK: 0));
    }
}
