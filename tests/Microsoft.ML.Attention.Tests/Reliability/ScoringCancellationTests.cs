using Microsoft.ML.Data;
using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Tests.Generation;
using static Microsoft.ML.Attention.Tests.QuestionAnswering.QuestionAnsweringData;

namespace Microsoft.ML.Attention.Tests.Reliability;

/// <summary>
/// <see cref="TransformerScoring.WithCancellation(CancellationToken)"/>: scoring stops at the next check after the token is cancelled
/// (between question-answering windows, between generated tokens), and the model then answers as before. The checks are counted and
/// the token is cancelled at an exact check, from another thread, through the scope's test hook: no timing.
/// </summary>
public sealed class ScoringCancellationTests(Stories260KFixture stories) : IClassFixture<Stories260KFixture>
{
    public sealed class QuestionRow
    {
        public string Text { get; set; } = "";
        public string Context { get; set; } = "";
    }

    public sealed class AnswerRow
    {
        public string Answer { get; set; } = "";
        public int AnswerStart { get; set; }
        public float Score { get; set; }
    }

    [Fact]
    public void A_long_question_answering_call_stops_within_one_window_of_cancellation_and_the_next_call_answers_as_before()
    {
        var ml = new MLContext(seed: 1);
        var options = Tiny(maxSteps: 2);
        options.QuestionAnswering.MaxWindowsPerRow = 1000;
        using var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(Rows(DevExamples.Take(8))));
        var engine = ml.Model.CreatePredictionEngine<QuestionRow, AnswerRow>(model);
        // Four real paragraphs: windows of 64 characters every 24, about 120 of them, one forward pass each in a PredictionEngine.
        var row = new QuestionRow { Text = DevExamples[0].Question, Context = string.Join("\n", DevExamples.Select(e => e.Context).Distinct().Take(4)) };
        int windows = 0;
        AnswerRow expected;
        using (TransformerScoring.WithCancellation(CancellationToken.None, () => windows++))
            expected = engine.Predict(row);
        Assert.True(windows > 50, $"{windows} windows");

        using var source = new CancellationTokenSource();
        int checks = 0;
        var error = Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            using (TransformerScoring.WithCancellation(source.Token, () =>
            {
                if (++checks == 2)   // the first window has been scored: cancel from another thread, as a server's timer would
                    CancelOnAnotherThread(source);
            }))
            {
                engine.Predict(row);
            }
        });

        Assert.Equal(source.Token, error.CancellationToken);
        Assert.Equal(2, checks);   // one window scored; the check before the second threw
        var again = engine.Predict(row);
        Assert.Equal((expected.Answer, expected.AnswerStart, expected.Score), (again.Answer, again.AnswerStart, again.Score));
        var fresh = ml.Model.CreatePredictionEngine<QuestionRow, AnswerRow>(model).Predict(row);
        Assert.Equal((expected.Answer, expected.AnswerStart, expected.Score), (fresh.Answer, fresh.AnswerStart, fresh.Score));
    }

    [Fact]
    public void Generation_stops_between_tokens_and_the_next_generation_gives_the_same_ids()
    {
        var options = new GenerationOptions { Temperature = 0, MaxNewTokens = 40 };
        var prompt = stories.Generator.EncodePrompt("Once upon a time");
        var expected = stories.Generator.GenerateIds(prompt, options);
        Assert.Equal(40, expected.Count);

        using var source = new CancellationTokenSource();
        int checks = 0;
        var error = Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            using (TransformerScoring.WithCancellation(source.Token, () =>
            {
                if (++checks == 4)
                    CancelOnAnotherThread(source);
            }))
            {
                stories.Generator.GenerateIds(prompt, options);
            }
        });

        Assert.Equal(source.Token, error.CancellationToken);
        Assert.Equal(4, checks);   // three tokens generated, the fourth never started
        Assert.Equal(expected, stories.Generator.GenerateIds(prompt, options));
    }

    [Fact]
    public void Batched_generation_stops_between_steps_and_a_stream_stops_between_pieces()
    {
        var options = new GenerationOptions { Temperature = 0, MaxNewTokens = 30 };
        var prompts = new[] { stories.Generator.EncodePrompt("Once upon a time"), stories.Generator.EncodePrompt("The cat") };
        var expected = stories.Generator.GenerateIdsBatch(prompts, options);

        using var source = new CancellationTokenSource();
        int checks = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            using (TransformerScoring.WithCancellation(source.Token, () =>
            {
                if (++checks == 3)
                    CancelOnAnotherThread(source);
            }))
            {
                stories.Generator.GenerateIdsBatch(prompts, options);
            }
        });
        Assert.Equal(3, checks);
        Assert.Equal(expected, stories.Generator.GenerateIdsBatch(prompts, options));

        // A stream checks the scope of the code that enumerates it: pieces stop as soon as the token is cancelled.
        using var streamSource = new CancellationTokenSource();
        var pieces = new List<string>();
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            using (TransformerScoring.WithCancellation(streamSource.Token))
            {
                foreach (string piece in stories.Generator.Stream("Once upon a time", options))
                {
                    pieces.Add(piece);
                    if (pieces.Count == 2)
                        CancelOnAnotherThread(streamSource);
                }
            }
        });
        Assert.Equal(2, pieces.Count);
    }

    [Fact]
    public void A_Transform_cursor_stops_between_windows_of_batches_and_a_cursor_made_later_reads_everything()
    {
        var ml = new MLContext(seed: 1);
        var options = Estimators.TextClassificationData.Tiny(maxSteps: 1);
        options.InferenceBatchSize = 2;   // windows of 8 batches x 2 rows: 64 rows are 4 windows
        using var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(Estimators.TinyModels.YelpRows(16)));
        var data = ml.Data.LoadFromEnumerable(Estimators.TinyModels.YelpRows(64));
        var expected = model.Transform(data).GetColumn<float>("Score").ToArray();

        using var source = new CancellationTokenSource();
        int read = 0;
        IDataView scored;
        using (TransformerScoring.WithCancellation(source.Token))
            scored = model.Transform(data);
        var error = Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            // The cursor is made inside the scope: it keeps the scope's token for as long as it is read.
            using (TransformerScoring.WithCancellation(source.Token))
            {
                using var cursor = scored.GetRowCursor(scored.Schema);
                var score = cursor.GetGetter<float>(scored.Schema["Score"]);
                float value = 0;
                while (cursor.MoveNext())
                {
                    score(ref value);
                    if (++read == 20)
                        source.Cancel();   // inside the second window: the third window is not scored
                }
            }
        });
        Assert.Equal(source.Token, error.CancellationToken);
        Assert.Equal(32, read);   // the rows of the two windows scored before the token was cancelled
        Assert.Equal(expected, model.Transform(data).GetColumn<float>("Score").ToArray());
    }

    [Fact]
    public void A_PredictionEngine_row_scored_inside_a_cancelled_scope_throws_and_the_engine_stays_usable()
    {
        var ml = new MLContext(seed: 1);
        using var model = ml.Transforms.AttentionEncoder(Estimators.TextClassificationData.Tiny(maxSteps: 1))
            .Fit(ml.Data.LoadFromEnumerable(Estimators.TinyModels.YelpRows(16)));
        var engine = ml.Model.CreatePredictionEngine<Estimators.TinyModels.TextRow, ScoreRow>(model);
        var row = new Estimators.TinyModels.TextRow { Text = "The food was great." };
        float expected = engine.Predict(row).Score;
        using var source = new CancellationTokenSource();
        source.Cancel();
        using (TransformerScoring.WithCancellation(source.Token))
            Assert.ThrowsAny<OperationCanceledException>(() => engine.Predict(row));
        Assert.Equal(expected, engine.Predict(row).Score);
    }

    public sealed class ScoreRow
    {
        public float Score { get; set; }
    }

    [Fact]
    public void Nested_scopes_link_their_tokens_and_the_exception_carries_the_token_that_was_cancelled()
    {
        using var outer = new CancellationTokenSource();
        using var inner = new CancellationTokenSource();
        Assert.False(TransformerScoring.Current.CanBeCanceled);
        using (TransformerScoring.WithCancellation(outer.Token))
        {
            using (TransformerScoring.WithCancellation(inner.Token))
            {
                TransformerScoring.ThrowIfCancellationRequested();
                outer.Cancel();
                Assert.True(TransformerScoring.Current.IsCancellationRequested);
                var error = Assert.Throws<OperationCanceledException>(TransformerScoring.ThrowIfCancellationRequested);
                Assert.Equal(outer.Token, error.CancellationToken);
            }

            Assert.Equal(outer.Token, TransformerScoring.Current);
        }

        Assert.False(TransformerScoring.Current.CanBeCanceled);
        TransformerScoring.ThrowIfCancellationRequested();   // outside every scope: nothing to stop
    }

    [Fact]
    public async Task The_scope_flows_into_awaited_code_and_not_into_other_callers()
    {
        using var source = new CancellationTokenSource();
        source.Cancel();
        using (TransformerScoring.WithCancellation(source.Token))
        {
            await Task.Yield();
            Assert.Throws<OperationCanceledException>(TransformerScoring.ThrowIfCancellationRequested);
            await Task.Run(() => Assert.Throws<OperationCanceledException>(TransformerScoring.ThrowIfCancellationRequested));
        }

        await Task.Run(TransformerScoring.ThrowIfCancellationRequested);
    }

    private static void CancelOnAnotherThread(CancellationTokenSource source)
    {
        var thread = new Thread(source.Cancel);
        thread.Start();
        thread.Join();
    }
}
