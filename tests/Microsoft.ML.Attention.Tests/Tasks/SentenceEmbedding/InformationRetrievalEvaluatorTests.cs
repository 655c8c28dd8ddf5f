namespace Microsoft.ML.Attention.Tests.Tasks.SentenceEmbedding;

/// <summary>InformationRetrievalEvaluator against rankings checked by hand: several relevant documents, ties, queries without judgments.</summary>
public sealed class InformationRetrievalEvaluatorTests
{
    private static readonly Dictionary<string, string> Corpus = new() { ["d1"] = "one", ["d2"] = "two", ["d3"] = "three", ["d4"] = "four", ["d5"] = "five" };

    [Fact]
    public void Metrics_of_hand_checked_rankings_with_two_relevant_documents_for_one_query()
    {
        var evaluator = new InformationRetrievalEvaluator(
            new Dictionary<string, string> { ["q1"] = "odd", ["q2"] = "last", ["q3"] = "unjudged" },
            Corpus,
            new Dictionary<string, IReadOnlyCollection<string>> { ["q1"] = ["d1", "d3"], ["q2"] = ["d5"], ["q3"] = [] },
            cutoffs: [3, 1]);
        var metrics = evaluator.EvaluateRankings(new Dictionary<string, IReadOnlyList<string>>
        {
            ["q1"] = ["d2", "d1", "d4", "d3", "d5"],   // first relevant at rank 2, the second at rank 4
            ["q2"] = ["d5", "d1", "d2", "d3", "d4"],   // the only relevant at rank 1
        });

        Assert.Equal(2, metrics.QueryCount);   // q3 has no relevant document and is not evaluated
        Assert.Equal([1, 3], evaluator.Cutoffs);
        Assert.Equal(0.5, metrics.Accuracy[1], 12);
        Assert.Equal(0.5, metrics.Recall[1], 12);
        Assert.Equal(0.5, metrics.Mrr[1], 12);
        Assert.Equal(0.5, metrics.Ndcg[1], 12);
        Assert.Equal(1.0, metrics.Accuracy[3], 12);
        Assert.Equal((0.5 + 1) / 2, metrics.Recall[3], 12);   // q1 finds 1 of its 2 in the top 3
        Assert.Equal((0.5 + 1) / 2, metrics.Mrr[3], 12);
        double q1Ndcg = (1 / Math.Log2(3)) / (1 + (1 / Math.Log2(3)));   // hit at rank 2; ideal: hits at ranks 1 and 2
        Assert.Equal((q1Ndcg + 1) / 2, metrics.Ndcg[3], 12);
    }

    [Fact]
    public async Task Equal_scores_rank_in_corpus_order()
    {
        // d2, d3 and d4 all have cosine 1 with the query (d3 is longer, the same direction); d1 is orthogonal.
        var vectors = new Dictionary<string, float[]>
        {
            ["query"] = [1, 0], ["one"] = [0, 1], ["two"] = [1, 0], ["three"] = [2, 0], ["four"] = [1, 0], ["five"] = [-1, 0],
        };
        using var generator = new FixedEmbeddingGenerator(vectors);
        var relevant = new Dictionary<string, IReadOnlyCollection<string>> { ["q"] = ["d4"] };
        var queries = new Dictionary<string, string> { ["q"] = "query" };

        var inOrder = await new InformationRetrievalEvaluator(queries, Corpus, relevant).EvaluateAsync(generator);
        Assert.Equal(0, inOrder.Recall[1]);
        Assert.Equal(1, inOrder.Recall[3]);
        Assert.Equal(1.0 / 3, inOrder.Mrr[10], 12);   // d2, d3, d4: the tie keeps the corpus order

        var d4First = Corpus.OrderBy(c => c.Key == "d4" ? 0 : 1).ToList();
        var reordered = await new InformationRetrievalEvaluator(queries, d4First, relevant).EvaluateAsync(generator);
        Assert.Equal(1, reordered.Mrr[10]);
    }

    [Fact]
    public void A_relevant_document_missing_from_the_corpus_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new InformationRetrievalEvaluator(
            new Dictionary<string, string> { ["q"] = "x" }, Corpus, new Dictionary<string, IReadOnlyCollection<string>> { ["q"] = ["d9"] }));
        Assert.Contains("'d9'", error.Message);
    }

    [Fact]
    public void A_query_without_a_ranking_is_named()
    {
        var evaluator = new InformationRetrievalEvaluator(
            new Dictionary<string, string> { ["q"] = "x" }, Corpus, new Dictionary<string, IReadOnlyCollection<string>> { ["q"] = ["d1"] });
        var error = Assert.Throws<ArgumentException>(() => evaluator.EvaluateRankings(new Dictionary<string, IReadOnlyList<string>>()));
        Assert.Contains("'q'", error.Message);
    }
}
