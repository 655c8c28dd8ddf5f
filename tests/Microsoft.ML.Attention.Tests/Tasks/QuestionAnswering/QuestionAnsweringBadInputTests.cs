using static Microsoft.ML.Attention.Tests.QuestionAnswering.QuestionAnsweringData;

namespace Microsoft.ML.Attention.Tests.QuestionAnswering;

/// <summary>The behaviours documented in docs/question-answering.md, "Bad input".</summary>
public class QuestionAnsweringBadInputTests
{
    [Fact]
    public void Bad_training_rows_are_skipped_and_counted_in_the_log_by_reason()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(DevExamples.Take(4));
        var good = rows[0];
        rows.Add(new QaRow { Text = "", Context = good.Context, Answer = good.Answer, AnswerStart = good.AnswerStart });
        rows.Add(new QaRow { Text = good.Text, Context = " ", Answer = good.Answer, AnswerStart = 0 });
        rows.Add(new QaRow { Text = good.Text, Context = good.Context, Answer = good.Answer, AnswerStart = good.Context.Length });
        rows.Add(new QaRow { Text = good.Text, Context = good.Context, Answer = good.Answer, AnswerStart = -1 });
        rows.Add(new QaRow { Text = good.Text, Context = good.Context, Answer = good.Answer, AnswerStart = good.AnswerStart + 1 });
        var messages = new List<string>();
        ml.Log += (_, e) => messages.Add(e.Message);

        using var model = ml.Transforms.AttentionEncoder(Tiny(maxSteps: 1)).Fit(ml.Data.LoadFromEnumerable(rows));

        string line = Assert.Single(messages, m => m.Contains("Skipped 5 of 9 rows of the training data"));
        Assert.Contains("1 empty question ('Text')", line);
        Assert.Contains("1 empty context ('Context')", line);
        Assert.Contains("2 answer start ('AnswerStart') outside the context", line);
        Assert.Contains("1 answer ('Answer') empty or not the context's text at its start", line);
    }

    [Fact]
    public void Training_data_without_a_usable_row_is_a_clear_error()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(DevExamples.Take(2));
        rows.ForEach(r => r.AnswerStart += 1);

        var error = Assert.ThrowsAny<InvalidOperationException>(() => ml.Transforms.AttentionEncoder(Tiny(maxSteps: 1)).Fit(ml.Data.LoadFromEnumerable(rows)));

        Assert.Contains("no usable question-answering row", error.Message);
        Assert.Contains("2 answer ('Answer') empty or not the context's text", error.Message);
    }

    [Theory]
    [InlineData("Context")]
    [InlineData("Text")]
    [InlineData("Answer")]
    [InlineData("AnswerStart")]
    public void A_missing_column_is_named_by_Fit_and_GetOutputSchema(string column)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows(DevExamples.Take(2)));
        var renamed = ml.Transforms.CopyColumns("Other", column).Fit(data).Transform(data);
        var without = ml.Transforms.DropColumns(column).Fit(renamed).Transform(renamed);
        var estimator = ml.Transforms.AttentionEncoder(Tiny(maxSteps: 1));

        Assert.Contains($"'{column}'", Assert.ThrowsAny<ArgumentException>(() => estimator.Fit(without)).Message);
        Assert.Contains($"'{column}'", Assert.ThrowsAny<ArgumentException>(() => estimator.GetOutputSchema(Contract.SchemaShapes.Of(without.Schema))).Message);
    }

    [Fact]
    public void A_Single_answer_start_is_read_and_a_Double_one_is_named_with_the_accepted_types()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(DevExamples.Take(3)).Select(r => new FloatStartRow { Text = r.Text, Context = r.Context, Answer = r.Answer, AnswerStart = r.AnswerStart }).ToList();
        using var model = ml.Transforms.AttentionEncoder(Tiny(maxSteps: 1)).Fit(ml.Data.LoadFromEnumerable(rows));

        var data = ml.Data.LoadFromEnumerable(rows);
        var asDouble = ml.Transforms.Conversion.ConvertType("AnswerStart", outputKind: Data.DataKind.Double).Fit(data).Transform(data);
        var error = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.AttentionEncoder(Tiny(maxSteps: 1)).Fit(asDouble));
        Assert.Contains("AnswerStart", error.Message);
        Assert.Contains("Int32 or Single", error.Message);
    }

    [Fact]
    public void An_empty_question_or_context_at_prediction_gives_an_empty_answer_at_0_with_a_NaN_score()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(DevExamples.Take(3));
        using var model = ml.Transforms.AttentionEncoder(Tiny(maxSteps: 1)).Fit(ml.Data.LoadFromEnumerable(rows));
        var probes = new[]
        {
            new QaRow { Text = rows[0].Text, Context = "" },
            new QaRow { Text = "  ", Context = rows[0].Context },
        };

        var predictions = ml.Data.CreateEnumerable<Prediction>(model.Transform(ml.Data.LoadFromEnumerable(probes)), reuseRowObject: false).ToList();

        Assert.All(predictions, p => Assert.Equal(("", 0, float.NaN), (p.Answer, p.AnswerStart, p.Score)));
    }

    [Theory]
    [InlineData(nameof(QuestionAnsweringOptions.DocumentStride))]
    [InlineData(nameof(QuestionAnsweringOptions.MaxAnswerLength))]
    [InlineData(nameof(QuestionAnsweringOptions.MaxQuestionLength))]
    public void A_window_option_below_1_is_rejected_with_its_name(string option)
    {
        var options = Tiny(maxSteps: 1);
        typeof(QuestionAnsweringOptions).GetProperty(option)!.SetValue(options.QuestionAnswering, 0);

        var error = Assert.ThrowsAny<ArgumentException>(() => new MLContext(seed: 1).Transforms.AttentionEncoder(options));

        Assert.Contains($"QuestionAnswering.{option}", error.Message);
    }
}
