using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention.Tests.Estimators;

public class OptionsReportingTests
{
    [Theory]
    [InlineData(TokenizerKind.WordPiece)]
    [InlineData(TokenizerKind.Llama2c)]
    public void A_tokenizer_that_needs_a_vocabulary_file_fails_at_construction_without_VocabularyPath(TokenizerKind tokenizer)
    {
        var options = TinyModels.MaskedLm();
        options.Tokenizer = tokenizer;

        var error = Assert.ThrowsAny<ArgumentException>(() => new MLContext(seed: 1).Transforms.AttentionEncoder(options));

        Assert.Equal(nameof(TransformerTextOptions.VocabularyPath), error.ParamName);
        Assert.Contains(nameof(TransformerTextOptions.VocabularyPath), error.Message);
    }

    [Fact]
    public void A_VocabularyPath_that_does_not_exist_fails_at_construction()
    {
        var options = TinyModels.MaskedLm();
        options.Tokenizer = TokenizerKind.WordPiece;
        options.VocabularyPath = Path.Combine(Path.GetTempPath(), "no-such-vocabulary.txt");

        var error = Assert.Throws<FileNotFoundException>(() => new MLContext(seed: 1).Transforms.AttentionEncoder(options));

        Assert.Contains(nameof(TransformerTextOptions.VocabularyPath), error.Message);
    }

    [Fact]
    public void An_option_the_task_does_not_read_is_reported_as_a_warning_that_names_it()
    {
        var options = TinyModels.MaskedLm();
        options.TextClassification.FreezeEncoder = true;
        options.EarlyStoppingPatience = 5;

        var warnings = WarningsOfConstruction(options);

        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("TransformerTextOptions.TextClassification", StringComparison.Ordinal) && w.Contains("MaskedLanguageModeling", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("TransformerTextOptions.EarlyStoppingPatience", StringComparison.Ordinal));
    }

    [Fact]
    public void A_field_of_a_nested_task_option_is_detected_without_a_list_of_defaults()
    {
        var options = TinyModels.MaskedLm();
        options.QuestionAnswering.TopAnswerCount = 3;
        options.Generation.StopSequences.Add("\n");

        var warnings = WarningsOfConstruction(options);

        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("TransformerTextOptions.QuestionAnswering", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("TransformerTextOptions.Generation", StringComparison.Ordinal));
    }

    [Fact]
    public void Catalog_aliases_leave_the_callers_options_as_they_were()
    {
        var options = TextClassificationData.Tiny();
        options.Task = TransformerTask.MaskedLanguageModeling;
        new MLContext(seed: 1).BinaryClassification.Trainers.AttentionTextClassifier(options);
        Assert.Equal(TransformerTask.MaskedLanguageModeling, options.Task);
    }

    [Fact]
    public void CheckpointEverySteps_without_a_CheckpointDirectory_is_reported_as_a_warning_that_names_it()
    {
        var options = TinyModels.MaskedLm();
        options.CheckpointEverySteps = 10;

        var warnings = WarningsOfConstruction(options);

        Assert.Contains(warnings, w => w.Contains("TransformerTextOptions.CheckpointEverySteps", StringComparison.Ordinal) && w.Contains("CheckpointDirectory is null", StringComparison.Ordinal));
        options.CheckpointDirectory = "checkpoints";
        Assert.Empty(WarningsOfConstruction(options));
    }

    [Fact]
    public void An_option_the_tokenizer_does_not_read_is_reported_as_a_warning_that_names_it()
    {
        var options = TinyModels.MaskedLm();
        options.VocabularyPath = TestData.Path("vocab", "bert-base-uncased", "vocab.txt");
        options.LowerCase = false;

        var warnings = WarningsOfConstruction(options);

        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("TransformerTextOptions.VocabularyPath", StringComparison.Ordinal) && w.Contains("Character", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("TransformerTextOptions.LowerCase", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_that_the_task_reads_give_no_warning()
    {
        var options = TextClassificationData.Tiny();
        options.TextClassification.FreezeEncoder = true;
        options.TextClassification.SecondTextColumnName = "Second";
        options.Pooling = Attention.Modeling.PoolingKind.FirstToken;

        Assert.Empty(WarningsOfConstruction(options));
    }

    private static List<string> WarningsOfConstruction(TransformerTextOptions options)
    {
        var ml = new MLContext(seed: 1);
        var warnings = new List<string>();
        ml.Log += (_, e) =>
        {
            if (e.Kind == ChannelMessageKind.Warning)
                warnings.Add(e.Message);
        };
        ml.Transforms.AttentionEncoder(options);
        return warnings;
    }
}
