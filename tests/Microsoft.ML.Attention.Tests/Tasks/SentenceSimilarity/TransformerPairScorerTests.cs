using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tests.Tasks.SentenceSimilarity;

/// <summary>AsPairScorer: a cross-encoder's Score for (query, candidate) pairs outside a data view, as CandidateRanker takes it.</summary>
public sealed class TransformerPairScorerTests
{
    private sealed class RelevanceRow
    {
        public string Text { get; set; } = "";
        public string Second { get; set; } = "";
        public bool Label { get; set; }
    }

    [Fact]
    public void Pair_scores_of_a_regression_cross_encoder_equal_the_Score_column_of_Transform()
    {
        var ml = new MLContext(seed: 1);
        var rows = SentenceSimilarityData.VersePairs(12);
        using var model = ml.Regression.Trainers.AttentionSentenceSimilarity(SentenceSimilarityData.TinyTask(maxSteps: 2, "Second"))
            .Fit(ml.Data.LoadFromEnumerable(rows));
        using var scorer = model.AsPairScorer();

        var scores = scorer.Score([.. rows.Select(r => (r.Text, r.Second))]);

        var expected = model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float>("Score").ToList();
        Assert.Equal(("Text", "Second"), (scorer.QueryColumnName, scorer.CandidateColumnName));
        Assert.Equal(expected.Count, scores.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.Equal(expected[i], scores[i], 5);
        Assert.True(scores.Distinct().Count() > 1, "every pair got the same score: the texts did not reach the network");
    }

    [Fact]
    public void Pair_scores_of_a_binary_classifier_are_its_logits_and_rerank_the_retrieved_candidates()
    {
        var ml = new MLContext(seed: 1);
        var rows = SentenceSimilarityData.VersePairs(12).Select(r => new RelevanceRow { Text = r.Text, Second = r.Second, Label = r.Label > 0.5f }).ToList();
        var options = SentenceSimilarityData.TinyTask(maxSteps: 2);
        options.Task = TransformerTask.TextClassification;
        options.TextClassification.SecondTextColumnName = "Second";
        using var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(rows));
        using var scorer = model.AsPairScorer();
        string query = rows[0].Text;
        var corpus = rows.Select(r => r.Second).ToList();

        var reranked = CandidateRanker.Rerank(scorer.Score, query, corpus, [new(5, 0.9f), new(2, 0.8f), new(7, 0.1f)], topK: 3);

        var logits = model.Transform(ml.Data.LoadFromEnumerable(new[] { 5, 2, 7 }.Select(i => new RelevanceRow { Text = query, Second = corpus[i] }).ToList()))
            .GetColumn<float>("Score").ToList();
        var expected = new[] { 5, 2, 7 }.Zip(logits).OrderByDescending(p => p.Second).ToList();
        Assert.Equal(expected.Select(p => p.First), reranked.Select(r => r.Index));
        for (int i = 0; i < 3; i++)
            Assert.Equal(expected[i].Second, reranked[i].Score, 5);
    }

    [Fact]
    public void A_single_text_model_is_refused_naming_its_task_and_columns()
    {
        var ml = new MLContext(seed: 1);
        using var model = ml.Regression.Trainers.AttentionSentenceSimilarity(SentenceSimilarityData.TinyTask(maxSteps: 1))
            .Fit(ml.Data.LoadFromEnumerable(SentenceSimilarityData.Sst2(4)));

        var error = Assert.Throws<ArgumentException>(() => model.AsPairScorer());

        Assert.Contains("task is SentenceSimilarity, with input columns Text and output columns Score", error.Message);
        Assert.Equal("transformer", error.ParamName);
    }
}
