/**
 * Pulumi entry (Pulumi.yaml `main`): read and validate the stack config,
 * build the stack, export the outputs an application's config is built from.
 */
import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "./config";
import { createStack } from "./stack";

const outputs = createStack(readStackConfig(), pulumi.getStack());

export const distributionId = outputs.distributionId;
export const distributionDomainName = outputs.distributionDomainName;
export const keyGroupIds = outputs.keyGroupIds;
export const parameterNames = outputs.parameterNames;
export const secretArns = outputs.secretArns;
export const signerFunctionName = outputs.signerFunctionName;
export const signerFunctionUrl = outputs.signerFunctionUrl;
export const rotationFunctionName = outputs.rotationFunctionName;
export const manifestFunctionVersionArn = outputs.manifestFunctionVersionArn;
export const appConfig = outputs.appConfig;
export const applicationPolicy = outputs.applicationPolicy;
export const originEndpointPolicy = outputs.originEndpointPolicy;
export const originSecretHeaderValue = outputs.originSecretHeaderValue;
export const alarmTopicArns = outputs.alarmTopicArns;
export const dashboardName = outputs.dashboardName;
