using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tests.Translation;

public class TranslationTaskTests
{
    [Fact]
    public void Fit_trains_a_subword_model_and_Transform_writes_Spanish_pieces()
    {
        var ml = new MLContext(seed: 1);
        var options = TranslationData.Tiny(maxSteps: 30);
        options.LearningRate = 5e-3;
        var verses = TranslationData.Verses(16);
        using var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(verses));

        var translated = model.Transform(ml.Data.LoadFromEnumerable(verses.Take(4).ToList()));
        var column = translated.Schema["Translation"];
        Assert.Equal(TextDataViewType.Instance, column.Type);
        var outputs = translated.GetColumn<ReadOnlyMemory<char>>("Translation").Select(t => t.ToString()).ToList();
        Assert.Equal(4, outputs.Count);
        var spanishWords = verses.SelectMany(v => v.Target.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet();
        Assert.All(outputs, o => Assert.False(string.IsNullOrWhiteSpace(o)));
        // Every word written was made of pieces learned from the pairs; after 30 steps the common Spanish words come first.
        Assert.Contains(outputs.SelectMany(o => o.Split(' ', StringSplitOptions.RemoveEmptyEntries)), spanishWords.Contains);
    }

    [Fact]
    public void Rows_with_an_empty_source_or_target_are_skipped_and_counted()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => messages.Add(e.Message);
        var rows = TranslationData.Verses(8);
        rows[1].Target = "";
        rows[3].Text = "";
        rows.Add(new TranslationData.Row { Text = "And God saw the light.", Target = "" });
        using var model = ml.Transforms.AttentionEncoder(TranslationData.Tiny()).Fit(ml.Data.LoadFromEnumerable(rows));

        Assert.Contains(messages, m => m.Contains("Skipped 3 of 9 rows", StringComparison.Ordinal) && m.Contains("'Target'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_validation_set_is_scored_by_its_token_loss_before_training_and_after_every_epoch()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => messages.Add(e.Message);
        var verses = TranslationData.Verses(24);
        var options = TranslationData.Tiny(maxSteps: 0);
        options.Epochs = 2;
        options.ValidationSet = ml.Data.LoadFromEnumerable(verses.Skip(16).ToList());
        using var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(verses.Take(16).ToList()));

        var validation = messages.Where(m => m.Contains("validation translation loss", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, validation.Count);   // before training, then after each of the 2 epochs
        Assert.Contains("Before training", validation[0], StringComparison.Ordinal);
        Assert.Contains("epoch 2", validation[2], StringComparison.Ordinal);
    }

    [Fact]
    public void PredictionEngine_stops_between_beam_search_steps_when_its_scope_is_cancelled_and_then_translates_as_before()
    {
        var ml = new MLContext(seed: 1);
        using var model = ml.Transforms.AttentionEncoder(TranslationData.Tiny()).Fit(ml.Data.LoadFromEnumerable(TranslationData.Verses(16)));
        var engine = ml.Model.CreatePredictionEngine<TranslationData.Row, TranslatedRow>(model);
        var row = new TranslationData.Row { Text = "In the beginning God created the heaven and the earth." };
        int steps = 0;
        string expected;
        using (TransformerScoring.WithCancellation(CancellationToken.None, () => steps++))
            expected = engine.Predict(row).Translation;
        Assert.True(steps >= 3, $"{steps} checks");

        using var source = new CancellationTokenSource();
        int checks = 0;
        var error = Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            using (TransformerScoring.WithCancellation(source.Token, () =>
            {
                if (++checks == 3)
                    source.Cancel();
            }))
            {
                engine.Predict(row);
            }
        });

        Assert.Equal(source.Token, error.CancellationToken);
        Assert.Equal(3, checks);
        Assert.Equal(expected, engine.Predict(row).Translation);
    }

    public sealed class TranslatedRow
    {
        public string Translation { get; set; } = "";
    }

    [Fact]
    public void VocabularySize_without_the_Subword_tokenizer_is_reported_as_ignored()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => messages.Add(e.Message);
        var options = TranslationData.Tiny();
        options.Tokenizer = Microsoft.ML.Attention.Tokenization.TokenizerKind.Character;
        ml.Transforms.AttentionEncoder(options);

        Assert.Contains(messages, m => m.Contains("TransformerTextOptions.Translation.VocabularySize is set but ignored: Tokenizer Character", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_row_empty_fails_naming_both_columns()
    {
        var ml = new MLContext(seed: 1);
        var rows = TranslationData.Verses(4).Select(r => new TranslationData.Row { Text = r.Text, Target = "" }).ToList();
        var error = Assert.ThrowsAny<Exception>(() => ml.Transforms.AttentionEncoder(TranslationData.Tiny()).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("'Text'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Target'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_target_column_is_named()
    {
        var ml = new MLContext(seed: 1);
        var options = TranslationData.Tiny();
        options.Translation.TargetColumnName = "Spanish";
        var error = Assert.ThrowsAny<Exception>(() => ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(TranslationData.Verses(4))));
        Assert.Contains("Spanish", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_out_of_range_name_the_nested_option()
    {
        var ml = new MLContext(seed: 1);
        var options = TranslationData.Tiny();
        options.Translation.BeamSize = 0;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.AttentionEncoder(options));
        Assert.Contains("TransformerTextOptions.Translation.BeamSize", error.Message, StringComparison.Ordinal);
    }
}
