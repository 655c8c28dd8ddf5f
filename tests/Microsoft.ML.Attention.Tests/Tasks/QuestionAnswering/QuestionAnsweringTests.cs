using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tests.Tokenization;
using static Microsoft.ML.Attention.Tests.QuestionAnswering.QuestionAnsweringData;

namespace Microsoft.ML.Attention.Tests.QuestionAnswering;

public class QuestionAnsweringTests
{
    [Fact]
    public void Predicted_answer_is_always_the_context_text_at_the_predicted_start()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows(DevExamples.Take(8));
        var probes = Rows(DevExamples.Skip(100).Where((_, i) => i % 37 == 0).Take(12));
        probes.Add(new QaRow { Text = "Who  wrote   the Étude?", Context = "Frédéric  Chopin's \"Étude\" (Op. 10)\tcost £5—naïve—in Zürich… 大元 ok 🎹 end" });
        foreach (var options in new[] { Tiny(maxSteps: 2), TinyWordPiece(epochs: 1) })
        {
            options.MaxSteps = 2;
            using var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(rows));

            var predictions = ml.Data.CreateEnumerable<Prediction>(model.Transform(ml.Data.LoadFromEnumerable(probes)), reuseRowObject: false).ToList();

            Assert.Equal(probes.Count, predictions.Count);
            Assert.All(predictions, p =>
            {
                Assert.True(p.Answer.Length > 0, $"empty answer in: {p.Context}");
                Assert.Equal(p.Context.Substring(p.AnswerStart, p.Answer.Length), p.Answer);
                Assert.True(float.IsFinite(p.Score));
            });
        }
    }

    [Fact]
    public void An_answer_beyond_the_first_window_is_found_by_a_tiny_model_trained_on_its_paragraphs()
    {
        var ml = new MLContext(seed: 1);
        var options = TinyWordPiece(epochs: 40);
        var tokenizer = WordPieceTokenizerTests.BertUncased.Value;
        var packer = new QuestionAnsweringPacker(tokenizer, options.Model.MaxSequenceLength, options.QuestionAnswering.MaxQuestionLength,
            options.QuestionAnswering.DocumentStride);
        // Short answers that start after the last character of the first window and begin and end on token boundaries (so that a
        // token span can equal them), one question per paragraph.
        var examples = DevExamples
            .Where(e => e.Answers[0].Text.Length <= 20)
            .Where(e =>
            {
                var packed = packer.Pack(e.Question, e.Context);
                var (start, end) = (e.Answers[0].Start, e.Answers[0].Start + e.Answers[0].Text.Length);
                return packed.Windows.Count > 1 && start >= packed.ContextTokens[packed.Windows[0].Count - 1].End
                    && packed.ContextTokens.Any(t => t.Start == start) && packed.ContextTokens.Any(t => t.End == end);
            })
            .DistinctBy(e => e.Context)
            .Take(6)
            .ToList();
        var rows = Rows(examples);

        using var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(rows));
        var predictions = ml.Data.CreateEnumerable<Prediction>(model.Transform(ml.Data.LoadFromEnumerable(rows)), reuseRowObject: false).ToList();

        Assert.Equal(6, examples.Count);
        Assert.Equal(rows.Select(r => (r.Answer, r.AnswerStart)), predictions.Select(p => (p.Answer, p.AnswerStart)));
    }

    [Fact]
    public void Windows_cover_every_context_token_and_start_a_stride_apart()
    {
        var tokenizer = WordPieceTokenizerTests.BertUncased.Value;
        var packer = new QuestionAnsweringPacker(tokenizer, maxLength: 48, maxQuestionLength: 16, documentStride: 24);
        var example = DevExamples[0];

        var packed = packer.Pack(example.Question, example.Context);

        int budget = 48 - 3 - packed.QuestionIds.Length;
        Assert.Equal(tokenizer.Encode(example.Context), packed.ContextTokens.Select(t => t.Id));
        Assert.All(packed.Windows, w => Assert.InRange(w.Count, 1, budget));
        Assert.Equal(0, packed.Windows[0].First);
        Assert.All(packed.Windows.Zip(packed.Windows.Skip(1)), pair => Assert.Equal(24, pair.Second.First - pair.First.First));
        Assert.Equal(packed.ContextTokens.Length, packed.Windows[^1].First + packed.Windows[^1].Count);

        // A stride larger than a window's context never skips a token.
        var wide = new QuestionAnsweringPacker(tokenizer, maxLength: 48, maxQuestionLength: 16, documentStride: 1000).Pack(example.Question, example.Context);
        Assert.All(wide.Windows.Zip(wide.Windows.Skip(1)), pair => Assert.Equal(pair.First.First + pair.First.Count, pair.Second.First));
    }

    [Fact]
    public void Spans_never_start_or_end_outside_the_context_and_end_at_or_after_the_start()
    {
        // Logits that favour [CLS] and the question, and an end before the start.
        float[] start = [9, 9, 9, 9, 1, 5, 0, 9, 9];
        float[] end = [9, 9, 9, 9, 4, 0, 1, 9, 9];

        // context = positions 4..6 ([CLS] q q [SEP] c c c [SEP] pad)
        var (first, last, score) = QuestionAnsweringSpanSearch.Best(start, end, contextOffset: 4, contextCount: 3, maxAnswerLength: 30);

        Assert.Equal((1, 2, 6f), (first, last, score));
        Assert.Equal(new ScoredSpan(0, 0, 5f), QuestionAnsweringSpanSearch.Best(start, end, 4, 3, maxAnswerLength: 1));
    }

    [Fact]
    public void Fit_from_the_imported_MiniLM_encoder_copies_its_backbone_and_answers_with_context_text()
    {
        var ml = new MLContext(seed: 1);
        var options = new TransformerTextOptions
        {
            Task = TransformerTask.QuestionAnswering,
            InitialModel = Import.MiniLmFiles.ModelPath,
            VocabularyPath = Import.MiniLmFiles.VocabularyPath,
            MaxSequenceLength = 64,
            MaxSteps = 1,
            BatchSize = 4,
            Seed = 1,
            LogEverySteps = 0,
            Device = TransformerDevice.Cpu,
        };
        var rows = Rows(DevExamples.Take(2));
        var messages = new List<string>();
        ml.Log += (_, e) => messages.Add(e.Message);

        using var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(rows.Select(r => new SquadRow { Question = r.Text, Context = r.Context, Answer = r.Answer, AnswerStart = r.AnswerStart })));
        var predictions = ml.Data.CreateEnumerable<Prediction>(model.Transform(ml.Data.LoadFromEnumerable(
            rows.Select(r => new SquadRow { Question = r.Text, Context = r.Context }))), reuseRowObject: false).ToList();

        Assert.Contains(messages, m => m.Contains("(backbone)"));
        Assert.True(model.Config.TokenTypeCount > 0);
        Assert.All(predictions, p => Assert.Equal(p.Context.Substring(p.AnswerStart, p.Answer.Length), p.Answer));
    }
}
