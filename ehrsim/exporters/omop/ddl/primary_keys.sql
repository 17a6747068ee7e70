-- Primary keys of the OMOP CDM v5.4 tables ehrsim fills, added after the bulk load.
ALTER TABLE person ADD PRIMARY KEY (person_id);
ALTER TABLE observation_period ADD PRIMARY KEY (observation_period_id);
ALTER TABLE visit_occurrence ADD PRIMARY KEY (visit_occurrence_id);
ALTER TABLE visit_detail ADD PRIMARY KEY (visit_detail_id);
ALTER TABLE condition_occurrence ADD PRIMARY KEY (condition_occurrence_id);
ALTER TABLE drug_exposure ADD PRIMARY KEY (drug_exposure_id);
ALTER TABLE procedure_occurrence ADD PRIMARY KEY (procedure_occurrence_id);
ALTER TABLE device_exposure ADD PRIMARY KEY (device_exposure_id);
ALTER TABLE measurement ADD PRIMARY KEY (measurement_id);
ALTER TABLE observation ADD PRIMARY KEY (observation_id);
ALTER TABLE location ADD PRIMARY KEY (location_id);
ALTER TABLE care_site ADD PRIMARY KEY (care_site_id);
ALTER TABLE provider ADD PRIMARY KEY (provider_id);
ALTER TABLE drug_era ADD PRIMARY KEY (drug_era_id);
ALTER TABLE condition_era ADD PRIMARY KEY (condition_era_id);
