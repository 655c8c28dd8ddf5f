using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tests.Reliability;
using Microsoft.ML.Attention.Tests.Tokenization;
using static Microsoft.ML.Attention.Tests.QuestionAnswering.QuestionAnsweringData;

namespace Microsoft.ML.Attention.Tests.QuestionAnswering;

/// <summary><see cref="QuestionAnsweringOptions.MaxWindowsPerRow"/>: the bound on the windows one scored row may cost.</summary>
public class QuestionAnsweringWindowLimitTests
{
    [Fact]
    public void Bounded_packing_gives_the_same_windows_up_to_the_limit_and_flags_one_window_more()
    {
        var tokenizer = WordPieceTokenizerTests.BertUncased.Value;
        var example = DevExamples.First(e => e.Context.Length > 700);
        var whole = new QuestionAnsweringPacker(tokenizer, maxLength: 48, maxQuestionLength: 16, documentStride: 24).Pack(example.Question, example.Context);
        int windows = whole.Windows.Count;
        Assert.True(windows > 3, $"{windows} windows");

        var atLimit = new QuestionAnsweringPacker(tokenizer, 48, 16, 24, maxWindowsPerRow: windows).PackBounded(example.Question, example.Context);
        var overLimit = new QuestionAnsweringPacker(tokenizer, 48, 16, 24, maxWindowsPerRow: windows - 1).PackBounded(example.Question, example.Context);

        Assert.False(atLimit.ExceedsWindowLimit);
        Assert.Equal(whole.Windows, atLimit.Windows);
        Assert.Equal(whole.ContextTokens, atLimit.ContextTokens);
        Assert.Equal(whole.QuestionIds, atLimit.QuestionIds);
        Assert.True(overLimit.ExceedsWindowLimit);
        Assert.Empty(overLimit.Windows);
    }

    [Fact]
    public void A_context_over_the_limit_is_an_error_naming_the_column_and_the_limit_before_any_window_is_scored()
    {
        var ml = new MLContext(seed: 1);
        var options = Tiny(maxSteps: 2);
        Assert.Equal(64, options.QuestionAnswering.MaxWindowsPerRow);
        using var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(Rows(DevExamples.Take(8))));
        var engine = ml.Model.CreatePredictionEngine<ScoringCancellationTests.QuestionRow, ScoringCancellationTests.AnswerRow>(model);
        // 1 MB: a paragraph repeated, as in issue 22 (windows of 64 characters every 24: some 40,000 windows).
        string huge = string.Concat(Enumerable.Repeat(DevExamples[0].Context + " ", 1_000_000 / DevExamples[0].Context.Length));
        var ordinary = new ScoringCancellationTests.QuestionRow { Text = DevExamples[0].Question, Context = DevExamples[0].Context };
        var before = engine.Predict(ordinary);

        int checks = 0;
        ScoringLimitExceededException error;
        using (TransformerScoring.WithCancellation(CancellationToken.None, () => checks++))
            error = Assert.Throws<ScoringLimitExceededException>(() => engine.Predict(new ScoringCancellationTests.QuestionRow { Text = "Who?", Context = huge }));

        Assert.Equal(0, checks);   // no window was scored
        Assert.Equal(("Context", "QuestionAnswering.MaxWindowsPerRow", 64L), (error.ColumnName, error.LimitName, error.Limit));
        Assert.Contains("'Context'", error.Message);
        Assert.Contains("more than 64 windows", error.Message);
        Assert.Contains("QuestionAnswering.MaxWindowsPerRow", error.Message);
        var after = engine.Predict(ordinary);
        Assert.Equal((before.Answer, before.AnswerStart, before.Score), (after.Answer, after.AnswerStart, after.Score));
    }

    [Fact]
    public void The_limit_is_saved_with_the_model_and_checked_when_the_estimator_is_created()
    {
        var ml = new MLContext(seed: 1);
        var options = Tiny(maxSteps: 1);
        options.QuestionAnswering.MaxWindowsPerRow = 2;
        var training = ml.Data.LoadFromEnumerable(Rows(DevExamples.Take(4)));
        using var model = ml.Transforms.AttentionEncoder(options).Fit(training);
        string path = Path.Combine(Directory.CreateTempSubdirectory("qa-window-limit").FullName, "qa.zip");
        ml.Model.Save(model, training.Schema, path);
        using var loaded = (TransformerTextTransformer)ml.Model.Load(path, out _);
        var engine = ml.Model.CreatePredictionEngine<ScoringCancellationTests.QuestionRow, ScoringCancellationTests.AnswerRow>(loaded);

        var error = Assert.Throws<ScoringLimitExceededException>(() => engine.Predict(new ScoringCancellationTests.QuestionRow { Text = "Who?", Context = DevExamples[0].Context }));
        Assert.Equal(2, error.Limit);

        options.QuestionAnswering.MaxWindowsPerRow = 0;
        var invalid = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.AttentionEncoder(options));
        Assert.Contains("QuestionAnswering.MaxWindowsPerRow", invalid.Message);
    }
}
