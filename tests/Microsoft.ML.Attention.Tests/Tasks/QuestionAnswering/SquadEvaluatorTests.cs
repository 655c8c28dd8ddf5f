namespace Microsoft.ML.Attention.Tests.QuestionAnswering;

// Hand-checked cases of evaluate-v1.1.py: normalize_answer = lower, strip string.punctuation, \b(a|an|the)\b -> ' ',
// ' '.join(split()); F1 over the white-space tokens with collections.Counter intersection.
public class SquadEvaluatorTests
{
    private sealed class PredictionRow
    {
        public string[] GoldAnswers { get; set; } = [];
        public string Answer { get; set; } = "";
    }

    private sealed class SingleGoldRow
    {
        public string Gold { get; set; } = "";
        public string Answer { get; set; } = "";
    }

    [Theory]
    [InlineData("The Eiffel Tower", "eiffel tower")]
    [InlineData("Paris.", "paris")]
    [InlineData("  Saint   Bernadette\tSoubirous \n", "saint bernadette soubirous")]
    [InlineData("a banana", "banana")]
    [InlineData("An anthem of the theory", "anthem of theory")]
    [InlineData("The A-Team", "ateam")]                  // punctuation goes first: "a-team" -> "ateam", not an article
    [InlineData("U.S. (1,000 $)", "us 1000")]
    [InlineData("«the» Paris", "« » paris")]            // « and » are not ASCII punctuation; \b sees "the" between them
    [InlineData("The", "")]
    public void Normalization_follows_the_official_definition(string answer, string normalized) =>
        Assert.Equal(normalized, SquadEvaluator.NormalizeAnswer(answer));

    [Theory]
    [InlineData("The Eiffel Tower", "Eiffel Tower", 1, 1)]                                   // articles
    [InlineData("Paris.", "paris", 1, 1)]                                                    // punctuation and case
    [InlineData("  Saint   Bernadette\tSoubirous ", "Saint Bernadette Soubirous", 1, 1)]     // white space
    [InlineData("banana", "bana", 0, 0)]                                                     // "an" inside a word stays
    // [in, year, 1850] vs [1850]: common 1, P = 1/3, R = 1, F1 = 2 (1/3) / (4/3) = 0.5.
    [InlineData("in the year 1850", "1850", 0, 0.5)]
    // [denver, broncos] vs [broncos, of, denver]: common 2, P = 1, R = 2/3, F1 = 2 (2/3) / (5/3) = 0.8.
    [InlineData("Denver Broncos", "Broncos of Denver", 0, 0.8)]
    // Counter intersection: [new, york, new, york] & [new, york] = 2 tokens, P = 1/2, R = 1, F1 = 1 / (3/2) = 2/3.
    [InlineData("New York, New York", "New York", 0, 2.0 / 3)]
    [InlineData("London", "Paris", 0, 0)]                                                    // no common token
    [InlineData("The", "a", 1, 0)]                                                           // both normalize to "": EM 1, F1 0
    public void Scores_follow_the_official_definition(string prediction, string gold, double exactMatch, double f1)
    {
        Assert.Equal(exactMatch, SquadEvaluator.ExactMatchScore(prediction, gold));
        Assert.Equal(f1, SquadEvaluator.F1Score(prediction, gold), 12);
    }

    [Fact]
    public void Each_question_takes_its_best_gold_answer_and_totals_are_percentages()
    {
        var metrics = SquadEvaluator.Evaluate(new (IReadOnlyList<string>, string)[]
        {
            (["Denver Broncos", "the Broncos"], "Broncos"),            // EM 1 and F1 1 (second gold; the first gives F1 2/3)
            (["1850", "the year 1850", "1850"], "in the year 1850"),   // EM 0; F1 max(0.5, 0.8, 0.5) = 0.8: [year, 1850] of [in, year, 1850]
            (["Paris"], "London"),                                     // 0 and 0
            (["a banana"], "Banana!"),                                 // 1 and 1
        });
        Assert.Equal(4, metrics.Count);
        Assert.Equal(50, metrics.ExactMatch, 9);
        Assert.Equal(100 * (1 + 0.8 + 0 + 1) / 4, metrics.F1, 9);
    }

    [Fact]
    public void No_rows_give_NaN_and_a_question_without_gold_answers_is_an_error()
    {
        var empty = SquadEvaluator.Evaluate(Array.Empty<(IReadOnlyList<string>, string)>());
        Assert.Equal(0, empty.Count);
        Assert.True(double.IsNaN(empty.ExactMatch) && double.IsNaN(empty.F1));
        var error = Assert.Throws<ArgumentException>(() => SquadEvaluator.Evaluate(new (IReadOnlyList<string>, string)[] { ([], "x") }));
        Assert.Contains("Row 0", error.Message);
    }

    [Fact]
    public void A_data_view_gives_the_same_metrics_as_the_pairs()
    {
        var ml = new MLContext(seed: 1);
        var rows = new[]
        {
            new PredictionRow { GoldAnswers = ["Denver Broncos", "the Broncos"], Answer = "Broncos" },
            new PredictionRow { GoldAnswers = ["1850"], Answer = "in the year 1850" },
            new PredictionRow { GoldAnswers = ["Paris", "Paris", "in Paris"], Answer = "London" },
        };
        var expected = SquadEvaluator.Evaluate(rows.Select(r => ((IReadOnlyList<string>)r.GoldAnswers, r.Answer)));
        Assert.Equal(expected, SquadEvaluator.Evaluate(ml.Data.LoadFromEnumerable(rows)));
    }

    [Fact]
    public void A_text_column_of_single_gold_answers_is_accepted()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new SingleGoldRow { Gold = "1850", Answer = "in the year 1850" } });
        var metrics = SquadEvaluator.Evaluate(data, goldAnswersColumnName: "Gold");
        Assert.Equal(50, metrics.F1, 9);
    }

    [Fact]
    public void Missing_or_mistyped_columns_are_named()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new PredictionRow { GoldAnswers = ["a"], Answer = "a" } });
        var missing = Assert.Throws<ArgumentException>(() => SquadEvaluator.Evaluate(data, predictionColumnName: "PredictedAnswer"));
        Assert.Contains("PredictedAnswer", missing.Message);
        var mistyped = Assert.Throws<ArgumentException>(() => SquadEvaluator.Evaluate(data, predictionColumnName: "GoldAnswers"));
        Assert.Contains("GoldAnswers", mistyped.Message);
        Assert.Contains("text is required", mistyped.Message);
    }
}
