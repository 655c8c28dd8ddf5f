using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Data;
using static Microsoft.ML.Attention.Tests.QuestionAnswering.QuestionAnsweringData;

namespace Microsoft.ML.Attention.Tests.QuestionAnswering;

public class QuestionAnsweringTopAnswersTests
{
    private sealed class TopPrediction
    {
        public string Context { get; set; } = "";
        public string Answer { get; set; } = "";
        public int AnswerStart { get; set; }
        public float Score { get; set; }
        public string[] TopAnswers { get; set; } = [];
        public int[] TopAnswerStarts { get; set; } = [];
        public float[] TopScores { get; set; } = [];
    }

    [Fact]
    public void Top_spans_of_a_window_are_the_brute_force_ranking_and_the_first_is_Best()
    {
        var random = new Random(7);
        float[] start = Enumerable.Range(0, 40).Select(_ => (float)random.NextDouble()).ToArray();
        float[] end = Enumerable.Range(0, 40).Select(_ => (float)random.NextDouble()).ToArray();
        start[3] = 10;   // a question position with huge logits: never a span
        end[3] = 10;
        const int offset = 6, count = 30, maxAnswer = 5;

        var top = QuestionAnsweringSpanSearch.Top(start, end, offset, count, maxAnswer, count: 12);

        var expected = (from i in Enumerable.Range(0, count)
                        from j in Enumerable.Range(i, Math.Min(count, i + maxAnswer) - i)
                        select new ScoredSpan(i, j, start[offset + i] + end[offset + j]))
            .OrderByDescending(s => s.Score).Take(12).ToList();
        Assert.Equal(expected, top);
        Assert.Equal(QuestionAnsweringSpanSearch.Best(start, end, offset, count, maxAnswer), top[0]);
        Assert.Equal(3, QuestionAnsweringSpanSearch.Top(start, end, offset, contextCount: 2, maxAnswer, count: 10).Count);   // (0,0) (0,1) (1,1)
    }

    [Fact]
    public void TopAnswerCount_adds_vectors_of_distinct_context_substrings_best_first_and_the_first_is_the_answer()
    {
        var ml = new MLContext(seed: 1);
        var options = Tiny(maxSteps: 2);
        options.QuestionAnswering.TopAnswerCount = 4;
        var rows = Rows(DevExamples.Take(8));
        var probes = Rows(DevExamples.Skip(200).Take(6));
        probes.Add(new QaRow { Text = "Who?", Context = "Ab" });   // 3 spans only: (A) (Ab) (b)
        probes.Add(new QaRow { Text = "", Context = "No question here." });

        using var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(rows));
        var scored = model.Transform(ml.Data.LoadFromEnumerable(probes));
        var predictions = ml.Data.CreateEnumerable<TopPrediction>(scored, reuseRowObject: false).ToList();

        Assert.Equal(new VectorDataViewType(TextDataViewType.Instance, 4), scored.Schema["TopAnswers"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Int32, 4), scored.Schema["TopAnswerStarts"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 4), scored.Schema["TopScores"].Type);
        foreach (var p in predictions.Take(6))
        {
            Assert.Equal(p.Answer, p.TopAnswers[0]);
            Assert.Equal(p.AnswerStart, p.TopAnswerStarts[0]);
            Assert.Equal(p.Score, p.TopScores[0]);
            Assert.Equal(p.TopScores.OrderByDescending(s => s), p.TopScores);
            Assert.Equal(4, p.TopAnswers.Zip(p.TopAnswerStarts).Distinct().Count());
            for (int k = 0; k < 4; k++)
                Assert.Equal(p.Context.Substring(p.TopAnswerStarts[k], p.TopAnswers[k].Length), p.TopAnswers[k]);
        }
        var tiny = predictions[6];
        Assert.Equal(["A", "Ab", "b"], tiny.TopAnswers.Take(3).Order());
        Assert.Equal(("", -1, float.NaN), (tiny.TopAnswers[3], tiny.TopAnswerStarts[3], tiny.TopScores[3]));
        var empty = predictions[7];
        Assert.Equal(["", "", "", ""], empty.TopAnswers);
        Assert.All(empty.TopScores, s => Assert.True(float.IsNaN(s)));
    }

    [Fact]
    public void The_top_answers_survive_save_and_load_and_the_prediction_engine_agrees_with_Transform()
    {
        var ml = new MLContext(seed: 1);
        var options = Tiny(maxSteps: 2);
        options.QuestionAnswering.TopAnswerCount = 3;
        var data = ml.Data.LoadFromEnumerable(Rows(DevExamples.Take(8)));
        var probes = Rows(DevExamples.Skip(300).Take(4));
        using var model = ml.Transforms.AttentionEncoder(options).Fit(data);
        string path = Path.Combine(Path.GetTempPath(), $"qa-top-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var loaded = ml.Model.Load(path, out _);
            var before = ml.Data.CreateEnumerable<TopPrediction>(model.Transform(ml.Data.LoadFromEnumerable(probes)), reuseRowObject: false).ToList();
            var after = ml.Data.CreateEnumerable<TopPrediction>(loaded.Transform(ml.Data.LoadFromEnumerable(probes)), reuseRowObject: false).ToList();
            using var engine = ml.Model.CreatePredictionEngine<QaRow, TopPrediction>(loaded);
            var single = probes.Select(engine.Predict).ToList();

            foreach (var other in new[] { after, single })
            {
                Assert.Equal(before.Select(p => string.Join("|", p.TopAnswers)), other.Select(p => string.Join("|", p.TopAnswers)));
                Assert.Equal(before.SelectMany(p => p.TopAnswerStarts), other.SelectMany(p => p.TopAnswerStarts));
                // One row at a time pads differently from a batch: scores agree to float rounding.
                Assert.All(before.SelectMany(p => p.TopScores).Zip(other.SelectMany(p => p.TopScores)), pair => Assert.Equal(pair.First, pair.Second, 1e-4f));
            }
            (loaded as IDisposable)?.Dispose();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_spec_saved_before_TopAnswerCount_existed_loads_with_one_answer()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("Question");
            writer.Write("Context");
            writer.Write(128);
            writer.Write(30);
            writer.Write(64);
        }
        stream.Position = 0;
        using var reader = new BinaryReader(stream);

        var spec = QuestionAnsweringSpec.Load(reader);

        Assert.Equal(1, spec.TopAnswerCount);
        Assert.Equal(3, QuestionAnsweringSpec.OutputColumns(spec.TopAnswerCount).Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void TopAnswerCount_outside_1_to_100_is_rejected_naming_the_option(int count)
    {
        var options = Tiny(maxSteps: 1);
        options.QuestionAnswering.TopAnswerCount = count;

        var error = Assert.ThrowsAny<ArgumentException>(() => new MLContext(1).Transforms.AttentionEncoder(options));

        Assert.Contains("TopAnswerCount", error.Message);
        Assert.Contains(count.ToString(), error.Message);
    }

    [Fact]
    public void The_multiclass_catalog_alias_is_the_question_answering_estimator()
    {
        var ml = new MLContext(seed: 1);
        var options = Tiny(maxSteps: 1);
        options.Task = TransformerTask.MaskedLanguageModeling;

        var estimator = ml.MulticlassClassification.Trainers.AttentionQuestionAnswer(options);
        using var model = estimator.Fit(ml.Data.LoadFromEnumerable(Rows(DevExamples.Take(4))));

        Assert.Equal(TransformerTask.QuestionAnswering, model.Task);
        Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.AttentionQuestionAnswer(" "));
    }
}
