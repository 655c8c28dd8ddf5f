using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tests.Causal;
using Microsoft.ML.Attention.Tests.QuestionAnswering;
using Microsoft.ML.Attention.Training;
using TorchSharp;

namespace Microsoft.ML.Attention.Tests.Estimators;

/// <summary><see cref="TransformerTextOptions.TrainingPrecision"/> and <see cref="TransformerTextOptions.ThreadCount"/> through the estimator.</summary>
public class TrainingPrecisionTests
{
    [Theory]
    [InlineData(TransformerTask.MaskedLanguageModeling)]
    [InlineData(TransformerTask.TextClassification)]
    [InlineData(TransformerTask.CausalLanguageModeling)]
    [InlineData(TransformerTask.QuestionAnswering)]
    public void Every_task_trains_in_bfloat16_and_keeps_float32_weights(TransformerTask task)
    {
        var ml = new MLContext(seed: 1);
        var (options, data) = TinyTask(ml, task);
        using var reference = ml.Transforms.AttentionEncoder(options).Fit(data);
        options.TrainingPrecision = TrainingPrecision.BFloat16;
        using var fast = ml.Transforms.AttentionEncoder(options).Fit(data);

        double referenceLoss = reference.TrainingResult!.LastTrainingLoss, fastLoss = fast.TrainingResult!.LastTrainingLoss;
        Assert.True(double.IsFinite(fastLoss), $"bfloat16 training loss {fastLoss}");
        Assert.True(Math.Abs(fastLoss - referenceLoss) <= 0.05 * referenceLoss, $"{task}: bfloat16 loss {fastLoss}, float32 {referenceLoss}");
        Assert.NotEqual(referenceLoss, fastLoss);   // the option reached the training step
        Assert.All(fast.Model.Network.parameters(), p => Assert.Equal(torch.ScalarType.Float32, p.dtype));
    }

    [Fact]
    public void Automatic_picks_bfloat16_exactly_where_the_cpu_reports_bf16_instructions()
    {
        Assert.Equal(BFloat16Support.OnCpu ? torch.ScalarType.BFloat16 : null, FitSession.ComputeType(TrainingPrecision.Automatic, torch.CPU));
        Assert.Null(FitSession.ComputeType(TrainingPrecision.Float32, torch.CPU));
        Assert.Equal(torch.ScalarType.BFloat16, FitSession.ComputeType(TrainingPrecision.BFloat16, torch.CPU));
    }

    [Fact]
    public void Cpu_flags_with_bf16_instructions_are_recognized()
    {
        // Lines as Linux writes them: an AMD Zen 5 (x64) flags line, one without bf16, and an Arm64 Features line.
        Assert.True(BFloat16Support.HasBFloat16Flag(["processor\t: 0", "flags\t\t: fpu avx2 avx512f avx512_bf16 avx512_vnni"]));
        Assert.True(BFloat16Support.HasBFloat16Flag(["flags\t\t: fpu avx512f amx_bf16 amx_tile"]));
        Assert.False(BFloat16Support.HasBFloat16Flag(["flags\t\t: fpu avx2 avx512f avx512bw avx512_vnni"]));
        Assert.True(BFloat16Support.HasBFloat16Flag(["Features\t: fp asimd evtstrm aes sve bf16 i8mm"]));
        Assert.False(BFloat16Support.HasBFloat16Flag(["model name\t: bf16 in a name is not a flag"]));
    }

    [Fact]
    public void ThreadCount_is_applied_to_libtorch_when_Fit_starts()
    {
        var ml = new MLContext(seed: 1);
        int original = torch.get_num_threads();
        var options = TinyModels.MaskedLm();
        options.MaxSteps = 1;
        options.ThreadCount = original + 1;
        try
        {
            using var model = ml.Transforms.AttentionEncoder(options).Fit(TinyModels.Texts(ml, TinyModels.WikiTextLines("valid", 4)));
            Assert.Equal(original + 1, torch.get_num_threads());
        }
        finally
        {
            torch.set_num_threads(original);
        }
    }

    [Theory]
    [InlineData("ThreadCount", -1)]
    [InlineData("TrainingPrecision", 7)]
    public void Invalid_value_names_the_option_and_value(string option, int value)
    {
        var options = TinyModels.MaskedLm();
        var property = typeof(TransformerTextOptions).GetProperty(option)!;
        property.SetValue(options, property.PropertyType.IsEnum ? Enum.ToObject(property.PropertyType, value) : value);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Transforms.AttentionEncoder(options));
        Assert.Contains(option, error.Message);
        Assert.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }

    private static (TransformerTextOptions Options, IDataView Data) TinyTask(MLContext ml, TransformerTask task)
    {
        const int steps = 6;
        switch (task)
        {
            case TransformerTask.MaskedLanguageModeling:
                var masked = TinyModels.MaskedLm();
                masked.MaxSteps = steps;
                return (masked, TinyModels.Texts(ml, TinyModels.WikiTextLines("valid", 96)));
            case TransformerTask.TextClassification:
                return (TextClassificationData.Tiny(maxSteps: steps), ml.Data.LoadFromEnumerable(TinyModels.YelpRows(96)));
            case TransformerTask.CausalLanguageModeling:
                var causal = CausalModels.TinyCharacterLm();
                causal.MaxSteps = steps;
                return (causal, TinyModels.Texts(ml, CausalModels.ShakespeareLines(skip: 0, count: 96)));
            default:
                return (QuestionAnsweringData.Tiny(maxSteps: steps), ml.Data.LoadFromEnumerable(QuestionAnsweringData.Rows(QuestionAnsweringData.DevExamples.Take(24))));
        }
    }
}
