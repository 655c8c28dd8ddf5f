using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Persistence;
using Microsoft.ML.Attention.Tokenization;
using TorchSharp;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>Builds a generation model (<see cref="TransformerTask.CausalLanguageModeling"/>) from a llama2.c checkpoint and tokenizer file.</summary>
internal static class Llama2cImporter
{
    public static TrainedTask Import(string checkpointPath, string tokenizerPath,
        string promptColumnName, string outputColumnName, GenerationOptions? generation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenizerPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(promptColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        generation ??= new GenerationOptions();
        generation.Validate();

        var config = Llama2cCheckpoint.ReadConfig(checkpointPath);
        var tokenizer = TextTokenizer.CreateLlama2c(tokenizerPath, config.VocabularySize);
        var spec = new CausalLanguageModelingSpec(promptColumnName, outputColumnName, generation);
        var network = Llama2cCheckpoint.Load(checkpointPath);
        var device = DeviceSelection.Resolve(TransformerDevice.Automatic);
        network.to(device);
        network.eval();
        return new TrainedTask(spec.Bind(network.Backbone.Config, tokenizer, network, device), InferencePrecision.Float32);
    }
}
